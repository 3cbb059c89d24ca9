import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from './database.js';
import { FIXTURES, hasSharedData, runImport, SHARED_DATA, tempFile } from './imports.js';

const withSharedData = hasSharedData ? describe : describe.skip;
if (!hasSharedData)
  console.warn('skipped: ../shared/data is not there, so the official files are not tested');

/** A region of a set (the level's current set by default) with its latest value per feature. */
export async function region(db: TestDatabase, level: string, code: string, set?: string) {
  const rows = await db.dataSource.query(
    `SELECT r.name, s.key AS set, p.code AS parent_code, p.level AS parent_level, ps.key AS parent_set,
       (SELECT jsonb_object_agg(feature_key, value) FROM (SELECT DISTINCT ON (feature_key) feature_key, value
          FROM feature_values WHERE region_id = r.id ORDER BY feature_key, as_of DESC NULLS LAST) l) AS features
     FROM regions r JOIN region_sets s ON s.id = r.set_id
     LEFT JOIN regions p ON p.id = r.parent_id LEFT JOIN region_sets ps ON ps.id = p.set_id
     WHERE r.level = $1 AND r.code = $2
       AND (s.key = $3 OR ($3::text IS NULL AND s.id IN (SELECT current_set_id FROM region_levels)))`,
    [level, code, set ?? null],
  );
  return rows[0];
}

withSharedData('importing the official Strukturdaten 2025 file', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('reads 299 districts, 16 states and the nation, with no rejected row', async () => {
    const job = await runImport(db.dataSource, 'regions', join(SHARED_DATA, 'btw25_strukturdaten.csv'));
    expect(job).toMatchObject({ status: 'completed', read: 316, inserted: 316, rejected: 0, errors: [] });
    const levels = await db.dataSource.query(
      `SELECT level, count(*)::int AS n FROM regions GROUP BY level ORDER BY level`,
    );
    expect(levels).toEqual([
      { level: 'constituency', n: 299 },
      { level: 'nation', n: 1 },
      { level: 'state', n: 16 },
    ]);
  });

  it('keeps the values as written, with states as parents', async () => {
    const mitte = await region(db, 'constituency', '74');
    expect(mitte.name).toBe('Berlin-Mitte');
    expect(mitte.features.population_k).toBe(310.7);
    expect(mitte.features.foreigners_pct).toBe(22.7);
    expect(mitte.features.area_km2).toBe(39.4);
    expect(mitte).toMatchObject({ parent_level: 'state', parent_code: '911' });
    const berlin = await region(db, 'state', '911');
    expect(berlin).toMatchObject({ name: 'Berlin', parent_level: 'nation', parent_code: '999' });
    const flensburg = await region(db, 'constituency', '1');
    expect(flensburg.features).toMatchObject({
      area_km2: 2128.1,
      disposable_income_eur: 23052,
      natural_change_per_1000: -6.1,
    });
  });

  it('catalogues every numeric column with its label and unit', async () => {
    const features = await db.dataSource.query(`SELECT key, label, unit FROM features ORDER BY key`);
    expect(features).toHaveLength(48);
    expect(features).toContainEqual({
      key: 'sgb2_per_1000',
      label: 'Empfänger/-innen von Leistungen nach SGB II - insgesamt (je 1000 EW)',
      unit: 'je 1000 EW',
    });
    const days = await db.dataSource.query(
      `SELECT feature_key, to_char(as_of, 'YYYY-MM-DD') AS day, count(*)::int AS n FROM feature_values
       WHERE feature_key IN ('sgb2_per_1000', 'population_k', 'unemployment_pct') GROUP BY 1, 2 ORDER BY 1`,
    );
    expect(days).toEqual([
      { feature_key: 'population_k', day: '2023-12-31', n: 316 },
      { feature_key: 'sgb2_per_1000', day: '2024-08-31', n: 316 },
      { feature_key: 'unemployment_pct', day: '2024-11-30', n: 316 },
    ]);
  });

  it('changes nothing when the same file is imported again', async () => {
    const job = await runImport(db.dataSource, 'regions', join(SHARED_DATA, 'btw25_strukturdaten.csv'));
    expect(job).toMatchObject({ status: 'completed', inserted: 0, updated: 0, unchanged: 316 });
  });

  it('adds the preliminary results as values of election day to the districts of 2025', async () => {
    const job = await runImport(db.dataSource, 'results', join(SHARED_DATA, 'btw25_kerg2_vorlaeufig.csv'));
    expect(job).toMatchObject({ status: 'completed', inserted: 0, rejected: 0 });
    expect(job.updated).toBe(316);
    expect(job.report.sets).toEqual(['constituency/2025', 'nation/2025', 'state/2025']);
    const pankow = await region(db, 'constituency', '75', 'constituency/2025');
    expect(pankow.features).toMatchObject({
      bt_turnout_pct: 84.569994,
      bt_die_linke_second_pct: 21.793681,
      bt_die_linke_first_pct: 22.870121,
      bt_gruene_first_pct: 25.840036,
      bt_tierschutzpartei_first_pct: 0,
    });
    expect(pankow.features.foreigners_pct).toBeGreaterThan(0);
    const nation = await region(db, 'nation', '999');
    expect(nation.name).toBe('Deutschland');
    expect(nation.features.bt_turnout_pct).toBeCloseTo(82.537307, 6);
    expect(nation.features.bt_spd_second_pct).toBeCloseTo(16.414064, 6);
    const [day] = await db.dataSource.query(
      `SELECT DISTINCT to_char(as_of, 'YYYY-MM-DD') AS day FROM feature_values WHERE feature_key = 'bt_turnout_pct'`,
    );
    expect(day).toEqual({ day: '2025-02-23' });
  });
});

describe('regions files in the official layout', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('reads the 2021 quirks (zero-padded numbers, thousands dots) to the same codes as 2025, in its own set', async () => {
    const first = await runImport(db.dataSource, 'regions', join(FIXTURES, 'strukturdaten-2025-style.csv'));
    expect(first).toMatchObject({ status: 'completed', inserted: 7, rejected: 0 });
    const again = await runImport(db.dataSource, 'regions', join(FIXTURES, 'strukturdaten-2021-style.csv'));
    expect(again).toMatchObject({ status: 'completed', inserted: 7, updated: 0, rejected: 0 });
    const old = await region(db, 'constituency', '1', 'constituency/2021');
    expect(old.features.area_km2).toBe(2128.1);
    expect(old.features.disposable_income_eur).toBe(23052);
    expect(old).toMatchObject({ parent_code: '901', parent_set: 'state/2021' });
  });

  it('reads a generic regions file and reports a bad value with line, column and reason', async () => {
    const path = await tempFile(
      'code,name,level,parent,density (per km²),income (EUR)\n' +
        'DE,Germany,nation,,233.3,24415\n' +
        'HH,Hamburg,state,DE,2452.2,26000\n' +
        'HH-1,Altona,district,HH,4100,lots\n' +
        'HH-2,Wandsbek,district,HH,2800,25000\n',
    );
    const job = await runImport(db.dataSource, 'regions', path);
    expect(job).toMatchObject({ status: 'completed', read: 4, inserted: 3, rejected: 1 });
    expect(job.errors).toEqual([{ line: 4, column: 'income (EUR)', reason: '"lots" is not a number' }]);
    expect(job.report.sets).toEqual(['district', 'nation', 'state']);
    const wandsbek = await region(db, 'district', 'HH-2');
    expect(wandsbek).toMatchObject({ set: 'district', parent_code: 'HH', parent_level: 'state' });
    expect(wandsbek.features).toEqual({ density: 2800, income: 25000 });
  });

  it('reads a flat statistics export whose text columns a mapping ignores, and names them in the job', async () => {
    const file = await tempFile(
      [
        'Stand;Regionalschlüssel;Gemeindename;Regionalebene;Einwohner 2022;Fläche (km²);Durchschnittsalter 2022',
        '15.05.2022;01001000;Flensstadt;Gemeinde;89.934;56,73;41,9',
        '15.05.2022;01002000;Kielhafen;Gemeinde;246.601;118,65;42,3',
        '',
        '15.05.2022;01003000;Lübhafen;Gemeinde;216.277;214,19;44,7',
      ].join('\r\n'),
    );
    const unmapped = await runImport(db.dataSource, 'regions', file, {
      mapping: { code: 'Regionalschlüssel', name: 'Gemeindename' },
    });
    expect(unmapped).toMatchObject({ status: 'completed', inserted: 0, rejected: 3 });

    const job = await runImport(db.dataSource, 'regions', file, {
      edition: 'zensus-2022',
      mapping: { code: 'Regionalschlüssel', name: 'Gemeindename', ignore: ['Stand', 'Regionalebene'] },
    });
    expect(job).toMatchObject({ status: 'completed', read: 3, inserted: 3, rejected: 0, skipped: 1 });
    expect(job.report).toMatchObject({
      sets: ['region/zensus-2022'],
      skippedLines: [4],
      ignoredColumns: [
        { column: 'Stand', reason: "the mapping's ignore list names it" },
        { column: 'Regionalebene', reason: "the mapping's ignore list names it" },
      ],
    });
    const kiel = await region(db, 'region', '01002000', 'region/zensus-2022');
    expect(kiel.features).toEqual({ einwohner: 246601, flaeche: 118.65, durchschnittsalter: 42.3 });
  });

  it('rejects a file without a header it knows, writing nothing, and says what its header lacks', async () => {
    const job = await runImport(db.dataSource, 'regions', await tempFile('1;2\n3;4\n'));
    expect(job.status).toBe('rejected');
    expect(job.reason).toMatch(/^no header row found/);
    const named = await runImport(
      db.dataSource,
      'regions',
      await tempFile('Schlüsselnummer;Gemeinde;Einwohner\n1;A;2\n'),
    );
    expect(named.status).toBe('rejected');
    expect(named.reason).toMatch(
      /^the header \(Schlüsselnummer, Gemeinde, Einwohner\) has no code and name columns .*: name them in a mapping/,
    );
  });
});
