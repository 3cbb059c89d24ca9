import { MIGRATIONS } from '../src/database/migrations/index.js';
import { createTestDatabase, type TestDatabase } from './database.js';

describe('database schema', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('matches the entities exactly after the migrations (no pending schema change)', async () => {
    const pending = await db.dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('migrates down and up again', async () => {
    for (let i = 0; i < MIGRATIONS.length; i++) await db.dataSource.undoLastMigration();
    const tables = await db.dataSource.query(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name NOT IN ('migrations', 'typeorm_metadata')`,
    );
    expect(tables[0].n).toBe(0);
    await db.dataSource.runMigrations();
    const after = await db.dataSource.query(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'contacts'`,
    );
    expect(after[0].n).toBe(1);
  });
});
