import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as Embedded from '../src/database/embedded-postgres.js';

declare global {
  var embeddedPostgresForTests: Embedded.RunningPostgres | undefined;
}

// Jest loads global setup outside its module mapper, so this imports the compiled module (npm test builds first).
const compiled = '../dist/database/embedded-postgres.js';

/** One PostgreSQL server for the run (the embedded one, or DATABASE_URL's); each suite makes its own database. */
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) {
    process.env.TEST_SERVER_URL = process.env.DATABASE_URL;
    return;
  }
  const { startEmbeddedPostgres } = (await import(compiled)) as typeof Embedded;
  const dir = await mkdtemp(join(tmpdir(), 'voter-segments-test-pg-'));
  // A throwaway server: nothing in it needs to survive a crash of the machine, so it need not wait for the disk. (The
  // crash tests kill workers, never PostgreSQL, and committed rows stay visible to every session without fsync.)
  const pg = await startEmbeddedPostgres(dir, {
    persistent: false,
    settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' },
  });
  globalThis.embeddedPostgresForTests = pg;
  process.env.TEST_SERVER_URL = pg.url;
}
