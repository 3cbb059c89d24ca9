import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/data-source.js';
import { MIGRATIONS } from '../src/database/migrations/index.js';
import { createTestDatabase, type TestDatabase } from './database.js';

/** A database as the schema before region editions made it, with regions, results, postal codes and a run. */
async function oldDatabase(): Promise<TestDatabase> {
  const before = MIGRATIONS.findIndex((m) => m.name === 'RegionEditions1796122508454');
  const db = await createTestDatabase(MIGRATIONS.slice(0, before));
  const q = (sql: string, params?: unknown[]) => db.dataSource.query(sql, params);
  await q(
    `INSERT INTO features (key, label, unit, source) VALUES
       ('population_k', 'Bevölkerung am 31.12.2023 - Insgesamt (in 1000)', 'in 1000', 'regions'),
       ('unemployment_pct', 'Arbeitslosenquote November 2024 - insgesamt', '%', 'regions'),
       ('bt2025_spd_second_pct', 'BT 23.02.2025: SPD, Zweitstimmen (Prozent)', '%', 'results')`,
  );
  const [nation] = await q(
    `INSERT INTO regions (code, name, level, features) VALUES ('999', 'Deutschland', 'nation', '{"population_k": 83456}') RETURNING id`,
  );
  const [state] = await q(
    `INSERT INTO regions (code, name, level, parent_id, features) VALUES ('911', 'Berlin', 'state', $1, '{"population_k": 3662.4}') RETURNING id`,
    [nation.id],
  );
  const [mitte] = await q(
    `INSERT INTO regions (code, name, level, parent_id, features) VALUES
       ('74', 'Berlin-Mitte', 'constituency', $1, '{"population_k": 310.7, "unemployment_pct": 9.7, "bt2025_spd_second_pct": 14.1, "stray_key": 1}')
     RETURNING id`,
    [state.id],
  );
  await q(`INSERT INTO postcodes (postcode, region_id) VALUES ('10115', $1)`, [mitte.id]);
  await q(
    `INSERT INTO contacts (email, postal_code, region_id) VALUES ('someone@example.org', '10115', $1)`,
    [mitte.id],
  );
  await q(
    `INSERT INTO segmentation_runs (target, level, feature_keys, feature_stats, k_min, k_max, k, seed, restarts, k_table, inertia, silhouette, stability, rows, duration_ms)
     VALUES ('regions', 'constituency', '["population_k", "bt2025_spd_second_pct"]', '[{"key": "bt2025_spd_second_pct"}]', 2, 2, 2, 42, 1, '[]', 1, 0.5, 1, 1, 1)`,
  );
  return db;
}

describe('the region editions migration', () => {
  let db: TestDatabase;
  let migrated: DataSource;
  beforeAll(async () => {
    db = await oldDatabase();
    migrated = new DataSource(dataSourceOptions(db.url));
    await migrated.initialize();
    await migrated.runMigrations();
  });
  afterAll(async () => {
    await migrated.destroy();
    await db.drop();
  });
  const q = (sql: string) => migrated.query(sql);

  it('puts the regions of each level into one set, named by the election their results state', async () => {
    expect(await q(`SELECT key, level, edition FROM region_sets ORDER BY key`)).toEqual([
      { key: 'constituency/2025', level: 'constituency', edition: '2025' },
      { key: 'nation/2025', level: 'nation', edition: '2025' },
      { key: 'state/2025', level: 'state', edition: '2025' },
    ]);
    expect(
      await q(
        `SELECT s.key FROM region_levels l JOIN region_sets s ON s.id = l.current_set_id ORDER BY s.key`,
      ),
    ).toHaveLength(3);
    const [mitte] = await q(
      `SELECT r.name, p.code AS parent FROM regions r JOIN regions p ON p.id = r.parent_id WHERE r.code = '74'`,
    );
    expect(mitte).toEqual({ name: 'Berlin-Mitte', parent: '911' });
  });

  it('keeps every value, with the day its label states and result keys without their year', async () => {
    const values = await q(
      `SELECT v.feature_key AS key, to_char(v.as_of, 'YYYY-MM-DD') AS day, v.value FROM feature_values v
       JOIN regions r ON r.id = v.region_id WHERE r.code = '74' ORDER BY v.feature_key`,
    );
    expect(values).toEqual([
      { key: 'bt_spd_second_pct', day: '2025-02-23', value: 14.1 },
      { key: 'population_k', day: '2023-12-31', value: 310.7 },
      { key: 'stray_key', day: null, value: 1 },
      { key: 'unemployment_pct', day: '2024-11-30', value: 9.7 },
    ]);
    expect(await q(`SELECT key, label FROM features ORDER BY key`)).toEqual([
      { key: 'bt_spd_second_pct', label: 'BT: SPD, Zweitstimmen (Prozent)' },
      { key: 'population_k', label: 'Bevölkerung - Insgesamt (in 1000)' },
      { key: 'stray_key', label: 'stray_key' },
      { key: 'unemployment_pct', label: 'Arbeitslosenquote - insgesamt' },
    ]);
  });

  it('keeps postal codes, contacts and runs on the migrated set', async () => {
    expect(
      await q(`SELECT p.postcode, s.key FROM postcodes p JOIN region_sets s ON s.id = p.set_id`),
    ).toEqual([{ postcode: '10115', key: 'constituency/2025' }]);
    expect(
      await q(
        `SELECT r.code FROM contacts c JOIN regions r ON r.id = c.region_id WHERE c.email = 'someone@example.org'`,
      ),
    ).toEqual([{ code: '74' }]);
    const [run] = await q(
      `SELECT s.key, r.feature_keys, r.feature_stats, r.feature_dates FROM segmentation_runs r
       JOIN region_sets s ON s.id = r.region_set_id`,
    );
    expect(run).toEqual({
      key: 'constituency/2025',
      feature_keys: ['population_k', 'bt_spd_second_pct'],
      feature_stats: [{ key: 'bt_spd_second_pct' }],
      feature_dates: { population_k: '2023-12-31', bt_spd_second_pct: '2025-02-23' },
    });
  });
});
