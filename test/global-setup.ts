// Imports the compiled module: Jest loads global setup outside its module mapper (npm test builds first).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres, type RunningPostgres } from '../dist/database/embedded-postgres.js';

declare global {
  var embeddedPostgresForTests: RunningPostgres | undefined;
}

/** One PostgreSQL server for the run (the embedded one, or DATABASE_URL's); each suite makes its own database. */
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) {
    process.env.TEST_SERVER_URL = process.env.DATABASE_URL;
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'voter-segments-test-pg-'));
  const pg = await startEmbeddedPostgres(dir, { persistent: false });
  globalThis.embeddedPostgresForTests = pg;
  process.env.TEST_SERVER_URL = pg.url;
}
