import { DataSource, type DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities.js';
import { MIGRATIONS } from './migrations/index.js';

export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    uuidExtension: 'pgcrypto',
    migrationsRun: false,
    synchronize: false,
    logging: ['error'],
    extra: { max: 10 },
  };
}

/** Used by the TypeORM CLI (`npm run migration:generate`); DATABASE_URL must point at a server. */
export default new DataSource(
  dataSourceOptions(process.env.DATABASE_URL ?? 'postgres://localhost/voter_segments'),
);
