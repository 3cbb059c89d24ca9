import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DataSource } from 'typeorm';
import type * as Schema from '../src/data-source.js';
import type * as Embedded from '../src/database/embedded-postgres.js';

declare global {
  var embeddedPostgresForTests: Embedded.RunningPostgres | undefined;
}

// Jest loads global setup outside its module mapper, so this imports the compiled modules (npm test builds first).
const compiledPostgres = '../dist/database/embedded-postgres.js';
const compiledSchema = '../dist/data-source.js';

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * One PostgreSQL server for the run (the embedded one, or DATABASE_URL's), and on it a database with every
 * migration applied, which each suite's own database is cloned from (TEST_TEMPLATE_DATABASE): a copy takes a
 * fraction of the time the migrations take.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) {
    process.env.TEST_SERVER_URL = process.env.DATABASE_URL;
  } else {
    const { startEmbeddedPostgres } = (await import(compiledPostgres)) as typeof Embedded;
    const dir = await mkdtemp(join(tmpdir(), 'voter-segments-test-pg-'));
    // A throwaway server: nothing in it needs to survive a crash of the machine, so it need not wait for the disk.
    // (The crash tests kill workers, never PostgreSQL, and committed rows stay visible to every session without fsync.)
    const server = await startEmbeddedPostgres(dir, {
      persistent: false,
      settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' },
    });
    globalThis.embeddedPostgresForTests = server;
    process.env.TEST_SERVER_URL = server.url;
  }
  process.env.TEST_TEMPLATE_DATABASE = await createTemplateDatabase(process.env.TEST_SERVER_URL);
}

async function createTemplateDatabase(server: string): Promise<string> {
  const { dataSourceOptions } = (await import(compiledSchema)) as typeof Schema;
  const name = `test_template_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client(withDatabase(server, 'postgres'));
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    const dataSource = new DataSource(dataSourceOptions(withDatabase(server, name)));
    await dataSource.initialize();
    try {
      await dataSource.runMigrations();
    } finally {
      await dataSource.destroy();
    }
    // A copy needs its template without sessions: none may connect from now on.
    await admin.query(`ALTER DATABASE ${name} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
  } finally {
    await admin.end();
  }
  return name;
}
