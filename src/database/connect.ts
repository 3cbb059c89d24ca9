import { DataSource } from 'typeorm';
import type { Env } from '../config/config.js';
import { dataSourceOptions } from './data-source.js';
import { resolveDatabase } from './database-url.js';

/** A migrated DataSource for the CLI, with a close() that also stops an embedded server it started. */
export async function connect(env: Env): Promise<{ dataSource: DataSource; close(): Promise<void> }> {
  const database = await resolveDatabase(env);
  const dataSource = new DataSource(dataSourceOptions(database.url));
  await dataSource.initialize();
  await dataSource.runMigrations();
  return {
    dataSource,
    close: async () => {
      await dataSource.destroy();
      await database.stop();
    },
  };
}
