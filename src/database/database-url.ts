import { join } from 'node:path';
import type { Env } from '../config/config.js';
import { startEmbeddedPostgres, type RunningPostgres } from './embedded-postgres.js';

/** DATABASE_URL when set; otherwise a PostgreSQL this process starts itself, with its data under DATA_DIR. */
export async function resolveDatabase(env: Env): Promise<RunningPostgres & { embedded: boolean }> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, stop: async () => {}, embedded: false };
  const pg = await startEmbeddedPostgres(join(env.DATA_DIR, 'postgres'));
  return { ...pg, embedded: true };
}
