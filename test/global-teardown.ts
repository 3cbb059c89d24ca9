import pg from 'pg';

export default async function globalTeardown(): Promise<void> {
  const template = process.env.TEST_TEMPLATE_DATABASE;
  if (process.env.DATABASE_URL && template) {
    // Another server's: leave it as it was. (The embedded one goes away with its data.)
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = '/postgres';
    const admin = new pg.Client(url.toString());
    await admin.connect();
    await admin.query(`ALTER DATABASE ${template} WITH IS_TEMPLATE false`);
    await admin.query(`DROP DATABASE IF EXISTS ${template}`);
    await admin.end();
  }
  await globalThis.embeddedPostgresForTests?.stop();
}
