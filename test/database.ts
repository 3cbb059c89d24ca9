import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { dataSourceOptions } from '../src/data-source.js';

export interface TestDatabase {
  url: string;
  dataSource: DataSource;
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * A fresh database with the migrations applied, so suites never see each other's rows and run in any order: a copy
 * of the template database global setup migrated once. With `migrations`, an empty database with only those applied
 * (e.g. all but the last, to test a migration on a database of the schema before it).
 */
export async function createTestDatabase(
  migrations?: DataSourceOptions['migrations'],
): Promise<TestDatabase> {
  const server = process.env.TEST_SERVER_URL;
  if (!server) throw new Error('TEST_SERVER_URL is not set: run the tests through jest (global setup)');
  const name = `test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client(withDatabase(server, 'postgres'));
  await admin.connect();
  const template = process.env.TEST_TEMPLATE_DATABASE;
  await admin.query(`CREATE DATABASE ${name}${migrations || !template ? '' : ` TEMPLATE ${template}`}`);
  await admin.end();
  const url = withDatabase(server, name);
  const dataSource = new DataSource({ ...dataSourceOptions(url), ...(migrations && { migrations }) });
  await dataSource.initialize();
  // On a copy, only what the template lacks: nothing, unless a migration was added since dist/ was built.
  await dataSource.runMigrations();
  return {
    url,
    dataSource,
    drop: async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      const c = new pg.Client(withDatabase(server, 'postgres'));
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
