import { join } from 'node:path';
import { startTestApp, type TestApp } from './app.js';
import { FIXTURES, runImport, tempFile } from './imports.js';
import { peaceSmsWave } from './waves.js';

const OLDER = join(FIXTURES, 'strukturdaten-2021-style.csv');
const NEWER = join(FIXTURES, 'strukturdaten-2025-style.csv');
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** A results file in the official long layout for the four districts of the fixtures. */
function resultsFile(day: string, names: Record<string, string>) {
  const header =
    'Wahlart;Wahltag;Gebietsart;Gebietsnummer;Gebietsname;UegGebietsart;UegGebietsnummer;Gruppenart;Gruppenname;Gruppenreihenfolge;Stimme;Anzahl;Prozent';
  const area = (
    kind: string,
    no: string,
    name: string,
    parentKind: string,
    parent: string,
    share: string,
  ) => [
    `BT;${day};${kind};${no};${name};${parentKind};${parent};System-Gruppe;Wählende;-3;;1000;${share}`,
    `BT;${day};${kind};${no};${name};${parentKind};${parent};Partei;SPD;1;2;300;${share.replace(/^8/, '2')}`,
  ];
  const lines = [
    '(c) Die Bundeswahlleiterin',
    'Ergebnisse nach Wahlkreisen',
    header,
    ...area('Bund', '99', 'Bundesgebiet', '', '', '80,1'),
    ...area('Land', '1', 'Schleswig-Holstein', 'Bund', '99', '81,2'),
    ...area('Land', '11', 'Berlin', 'Bund', '99', '82,3'),
    ...Object.entries(names).flatMap(([no, name]) =>
      area('Wahlkreis', no, name, 'Land', Number(no) > 10 ? '11' : '1', `8${no.length},${no}`),
    ),
  ];
  return tempFile(lines.join('\n'), `results-${day}.csv`);
}

const NAMES_2021 = {
  '1': 'Flensburg – Schleswig',
  '2': 'Nordfriesland – Dithmarschen Nord',
  '74': 'Berlin-Mitte',
  '75': 'Pankow',
};
const NAMES_2025 = { ...NAMES_2021, '75': 'Berlin-Pankow' };

describe('region editions', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(() => t.close());
  const api = (path: string, token = t.tokens.strategist) => t.http().get(path).set(bearer(token));
  const values = (setKey: string, code: string, feature: string) =>
    t.db.dataSource.query(
      `SELECT to_char(v.as_of, 'YYYY-MM-DD') AS day, v.value FROM feature_values v
       JOIN regions r ON r.id = v.region_id JOIN region_sets s ON s.id = r.set_id
       WHERE s.key = $1 AND r.code = $2 AND v.feature_key = $3 ORDER BY v.as_of`,
      [setKey, code, feature],
    );

  it.each([
    ['the older edition first', [OLDER, NEWER], '2021'],
    ['the newer edition first', [NEWER, OLDER], '2025'],
  ])('keeps both editions side by side, whichever comes first (%s)', async (_, files, firstEdition) => {
    const [first, second] = [
      await runImport(t.db.dataSource, 'regions', files[0]),
      await runImport(t.db.dataSource, 'regions', files[1]),
    ];
    for (const job of [first, second])
      expect(job).toMatchObject({ status: 'completed', inserted: 7, updated: 0, unchanged: 0, rejected: 0 });

    // Nothing overwritten: each district exists once per edition, each with the values of its own day.
    expect(await values('constituency/2021', '1', 'population_k')).toEqual([
      { day: '2019-12-31', value: 298 },
    ]);
    expect(await values('constituency/2025', '1', 'population_k')).toEqual([
      { day: '2023-12-31', value: 301.2 },
    ]);
    expect(await values('constituency/2021', '2', 'area_km2')).toEqual([
      { day: '2019-12-31', value: 2300.4 },
    ]);
    expect(await values('constituency/2025', '2', 'area_km2')).toEqual([
      { day: '2023-12-31', value: 2777.9 },
    ]);

    // The second import says how its districts differ from the other edition.
    const districts = second.report.editions!.find((e) => e.set.startsWith('constituency/'))!;
    expect(districts).toMatchObject({ unchanged: 2, changedCount: 2 });
    const why = Object.fromEntries(districts.changed.map((c) => [c.code, c.why]));
    expect(why['75']).toMatch(/^renamed from "(Pankow|Berlin-Pankow)" to "(Berlin-Pankow|Pankow)"$/);
    expect(why['2']).toMatch(/^area (2,300.4 → 2,777.9|2,777.9 → 2,300.4) km²$/);

    // The first edition became current, as its levels had none; the second waits until a person chooses it.
    expect(second.report.current).toEqual([]);
    const sets = (await api('/region-sets').expect(200)).body;
    expect(
      sets
        .filter((s: { current: boolean }) => s.current)
        .map((s: { key: string }) => s.key)
        .sort(),
    ).toEqual([`constituency/${firstEdition}`, `nation/${firstEdition}`, `state/${firstEdition}`]);
    const regions = (await api('/regions?level=constituency').expect(200)).body;
    expect(regions.items.map((r: { set: string }) => r.set)).toEqual(
      Array(4).fill(`constituency/${firstEdition}`),
    );
    const older = (await api('/regions?set=constituency/2021').expect(200)).body;
    expect(older.items.find((r: { code: string }) => r.code === '75')).toMatchObject({
      name: 'Pankow',
      features: { population_k: 355 },
      featureDates: { population_k: '2019-12-31' },
    });

    const catalogue = (await api('/features').expect(200)).body;
    expect(catalogue.find((f: { key: string }) => f.key === 'population_k').dates).toEqual([
      { asOf: '2023-12-31', sets: ['constituency/2025', 'nation/2025', 'state/2025'], regions: 7 },
      { asOf: '2019-12-31', sets: ['constituency/2021', 'nation/2021', 'state/2021'], regions: 7 },
    ]);
  });

  it('attaches results to the districts of their election and refuses them on another edition', async () => {
    await runImport(t.db.dataSource, 'regions', OLDER);
    await runImport(t.db.dataSource, 'regions', NEWER);
    const stored = async () =>
      (await t.db.dataSource.query(`SELECT count(*)::int AS n FROM feature_values`))[0].n as number;
    const before = await stored();

    const wrong = await runImport(t.db.dataSource, 'results', await resultsFile('23.02.2025', NAMES_2025), {
      edition: '2021',
    });
    expect(wrong.status).toBe('rejected');
    expect(wrong.reason).toBe(
      "district 75 is 'Pankow' here and 'Berlin-Pankow' in the file: these results belong to another edition than constituency/2021; name the right one with --edition",
    );
    expect(await stored()).toBe(before);

    const of2025 = await runImport(t.db.dataSource, 'results', await resultsFile('23.02.2025', NAMES_2025));
    expect(of2025).toMatchObject({ status: 'completed', inserted: 0, updated: 7, rejected: 0 });
    const of2021 = await runImport(t.db.dataSource, 'results', await resultsFile('26.09.2021', NAMES_2021));
    expect(of2021).toMatchObject({ status: 'completed', inserted: 0, updated: 7 });
    expect(await values('constituency/2025', '75', 'bt_turnout_pct')).toEqual([
      { day: '2025-02-23', value: 82.75 },
    ]);
    expect(await values('constituency/2021', '75', 'bt_turnout_pct')).toEqual([
      { day: '2021-09-26', value: 82.75 },
    ]);
  });

  it('refuses results of an edition whose districts the database does not hold, moving no contact', async () => {
    await runImport(t.db.dataSource, 'regions', OLDER);
    await runImport(t.db.dataSource, 'postcodes', await tempFile('plz;wahlkreis\n13187;75\n'));
    const contacts = await tempFile(
      'email,postal_code,region\nby-postcode@example.org,13187,\nin-district@example.org,,1\n',
    );
    expect(await runImport(t.db.dataSource, 'contacts', contacts)).toMatchObject({ inserted: 2 });
    const placed = () =>
      t.db.dataSource.query(
        `SELECT c.email, s.key AS set, r.code FROM contacts c LEFT JOIN regions r ON r.id = c.region_id
         LEFT JOIN region_sets s ON s.id = r.set_id ORDER BY c.email`,
      );
    const before = await placed();
    expect(before).toEqual([
      { email: 'by-postcode@example.org', set: 'constituency/2021', code: '75' },
      { email: 'in-district@example.org', set: 'constituency/2021', code: '1' },
    ]);

    const job = await runImport(t.db.dataSource, 'results', await resultsFile('23.02.2025', NAMES_2025));
    expect(job).toMatchObject({ status: 'rejected', inserted: 0, updated: 0 });
    expect(job.reason).toBe(
      'these are 2025 results; this database holds the 2021 districts: import the 2025 Strukturdaten first, or pass --edition',
    );
    expect(await placed()).toEqual(before);
    const sets = await t.db.dataSource.query(`SELECT key FROM region_sets ORDER BY key`);
    expect(sets.map((s: { key: string }) => s.key)).toEqual([
      'constituency/2021',
      'nation/2021',
      'state/2021',
    ]);
  });

  it('gives a fresh database its first current set from results, and never moves contacts on its own', async () => {
    const fresh = await runImport(t.db.dataSource, 'results', await resultsFile('23.02.2025', NAMES_2025));
    expect(fresh).toMatchObject({ status: 'completed', inserted: 7 });
    expect(fresh.report.current).toContainEqual({
      level: 'constituency',
      from: null,
      to: 'constituency/2025',
      contacts: { byPostcode: 0, sameDistrict: 0, unassigned: 0, moved: 0 },
    });
    const contacts = await tempFile('email,region\nhere@example.org,75\n');
    expect(await runImport(t.db.dataSource, 'contacts', contacts)).toMatchObject({
      inserted: 1,
      warnings: 0,
    });

    // Another edition's statistics arrive: a set of their own, not current, the contact stays where it is.
    const older = await runImport(t.db.dataSource, 'regions', OLDER);
    expect(older).toMatchObject({ status: 'completed', report: { current: [] } });
    const [here] = await t.db.dataSource.query(
      `SELECT s.key FROM contacts c JOIN regions r ON r.id = c.region_id JOIN region_sets s ON s.id = r.set_id`,
    );
    expect(here).toEqual({ key: 'constituency/2025' });

    // An import that says so makes its sets current, but not at the cost of contacts unless told.
    const refused = await runImport(t.db.dataSource, 'regions', OLDER, { makeCurrent: true });
    expect(refused.status).toBe('rejected');
    expect(refused.reason).toMatch(
      /^making constituency\/2021 the current constituency set would move 1 contacts and leave 1 of them without a region/,
    );
    const made = await runImport(t.db.dataSource, 'regions', OLDER, {
      makeCurrent: true,
      allowUnassigned: true,
    });
    expect(made.report.current).toContainEqual({
      level: 'constituency',
      from: 'constituency/2025',
      to: 'constituency/2021',
      contacts: { byPostcode: 0, sameDistrict: 0, unassigned: 1, moved: 1 },
    });
  });

  it('makes a set current with its shapes when the geometry import says so', async () => {
    await runImport(t.db.dataSource, 'regions', OLDER);
    await runImport(t.db.dataSource, 'regions', NEWER);
    const square = (x: number) => ({
      type: 'Polygon',
      coordinates: [
        [
          [x, 50],
          [x + 1, 50],
          [x + 1, 51],
          [x, 51],
          [x, 50],
        ],
      ],
    });
    const shapes = await tempFile(
      JSON.stringify({
        type: 'FeatureCollection',
        features: ['1', '2', '74', '75'].map((code, i) => ({
          type: 'Feature',
          properties: { WKR_NR: Number(code) },
          geometry: square(8 + i),
        })),
      }),
      'shapes.geojson',
    );
    const kept = await runImport(t.db.dataSource, 'geometry', shapes, { edition: '2025' });
    expect(kept).toMatchObject({ status: 'completed', inserted: 4, report: { sets: ['constituency/2025'] } });
    expect(kept.report.current).toBeUndefined();
    const made = await runImport(t.db.dataSource, 'geometry', shapes, { edition: '2025', makeCurrent: true });
    expect(made.report.current).toEqual([
      {
        level: 'constituency',
        from: 'constituency/2021',
        to: 'constituency/2025',
        contacts: { byPostcode: 0, sameDistrict: 0, unassigned: 0, moved: 0 },
      },
    ]);
  });

  it('compares a feature across editions only where the boundaries did not change', async () => {
    await runImport(t.db.dataSource, 'regions', OLDER);
    await runImport(t.db.dataSource, 'regions', NEWER);
    const res = await api(
      '/region-sets/compare?from=constituency/2021&to=constituency/2025&feature=population_k',
    )
      .set(t.as('staff'))
      .expect(200);
    expect(res.body).toMatchObject({
      feature: 'population_k',
      from: { set: 'constituency/2021', date: '2019-12-31' },
      to: { set: 'constituency/2025', date: '2023-12-31' },
      unchangedCount: 2,
      changedCount: 2,
    });
    expect(res.body.unchanged).toEqual([
      { code: '1', name: 'Flensburg – Schleswig', from: 298, to: 301.2, difference: expect.closeTo(3.2, 6) },
      { code: '74', name: 'Berlin-Mitte', from: 310.7, to: 310.7, difference: 0 },
    ]);
    expect(res.body.changed.map((c: { code: string }) => c.code)).toEqual(['2', '75']);

    const mixed = await api('/region-sets/compare?from=state/2021&to=constituency/2025&feature=population_k');
    expect(mixed.status).toBe(400);
    expect(mixed.body.message).toMatch(/different levels/);
    const unknown = await api(
      '/region-sets/compare?from=constituency/2019&to=constituency/2025&feature=population_k',
    );
    expect(unknown.status).toBe(404);
  });

  it('re-assigns contacts when the current set changes, and reports where they went', async () => {
    await runImport(t.db.dataSource, 'regions', OLDER);
    const postcodes = await tempFile('plz;wahlkreis\n10115;74\n13187;75\n24937;1\n');
    expect(await runImport(t.db.dataSource, 'postcodes', postcodes)).toMatchObject({
      status: 'completed',
      inserted: 3,
      report: { sets: ['constituency/2021'] },
    });
    const contacts = await tempFile(
      'email,postal_code,region\nby-postcode@example.org,13187,\nsame-district@example.org,,1\nredrawn@example.org,,75\n',
    );
    expect(await runImport(t.db.dataSource, 'contacts', contacts)).toMatchObject({
      status: 'completed',
      inserted: 3,
    });
    const regionOf = async (email: string) =>
      (
        await t.db.dataSource.query(
          `SELECT s.key AS set, r.code FROM contacts c LEFT JOIN regions r ON r.id = c.region_id
           LEFT JOIN region_sets s ON s.id = r.set_id WHERE c.email = $1`,
          [email],
        )
      )[0];
    expect(await regionOf('by-postcode@example.org')).toEqual({ set: 'constituency/2021', code: '75' });

    // The newer edition is imported beside it and changes nothing for the contacts.
    const newer = await runImport(t.db.dataSource, 'regions', NEWER);
    expect(newer.report.current).toEqual([]);
    expect(await regionOf('same-district@example.org')).toEqual({ set: 'constituency/2021', code: '1' });

    // Choosing it would leave two contacts without a region (2025 has no postal codes yet, and only unchanged
    // districts carry over): refused with the counts, until the strategist allows it.
    const move = {
      level: 'constituency',
      from: 'constituency/2021',
      to: 'constituency/2025',
      contacts: { byPostcode: 0, sameDistrict: 1, unassigned: 2, moved: 3 },
    };
    const refused = await t
      .http()
      .put('/region-sets/current')
      .set(t.as('strategist'))
      .send({ set: 'constituency/2025' })
      .expect(409);
    expect(refused.body.message).toMatch(
      /^making constituency\/2025 the current constituency set would move 3 contacts and leave 2 of them without a region/,
    );
    expect(refused.body.details).toEqual({ change: move });
    expect(await regionOf('same-district@example.org')).toEqual({ set: 'constituency/2021', code: '1' });
    const chosen = await t
      .http()
      .put('/region-sets/current')
      .set(t.as('strategist'))
      .send({ set: 'constituency/2025', allowUnassigned: true })
      .expect(200);
    expect(chosen.body.change).toEqual(move);
    expect(await regionOf('same-district@example.org')).toEqual({ set: 'constituency/2025', code: '1' });
    expect(await regionOf('redrawn@example.org')).toEqual({ set: null, code: null });

    // A strategist goes back to 2021: the postal code places its contact again, and the choice is kept.
    const back = await t
      .http()
      .put('/region-sets/current')
      .set(t.as('strategist'))
      .send({ set: 'constituency/2021' })
      .expect(200);
    expect(back.body.change).toEqual({
      level: 'constituency',
      from: 'constituency/2025',
      to: 'constituency/2021',
      contacts: { byPostcode: 1, sameDistrict: 1, unassigned: 0, moved: 2 },
    });
    expect(await regionOf('by-postcode@example.org')).toEqual({ set: 'constituency/2021', code: '75' });
    await t
      .http()
      .put('/region-sets/current')
      .set(t.as('staff'))
      .send({ set: 'constituency/2021' })
      .expect(403);
    await t.http().put('/region-sets/current').set(t.as('strategist')).send({ set: 'x y' }).expect(422);

    // A chosen set stays current when another edition is imported.
    const again = await runImport(t.db.dataSource, 'regions', NEWER);
    expect(again.report.current).toEqual([]);
    const current = (await api('/region-sets').expect(200)).body.find(
      (set: { level: string; current: boolean }) => set.level === 'constituency' && set.current,
    );
    expect(current).toMatchObject({ key: 'constituency/2021', chosen: true });
    const audit = await t.db.dataSource.query(
      `SELECT action FROM audit_log WHERE action = 'region-set.current'`,
    );
    expect(audit).toHaveLength(2);
  });

  it('keeps a segmentation on the set it was made with, naming its set and the days of its values', async () => {
    await runImport(t.db.dataSource, 'regions', OLDER);
    const post = (body: object) => t.http().post('/segmentations').set(t.as('strategist')).send(body);
    const body = { features: ['population_k', 'foreigners_pct', 'area_km2'], k: '2', logScaled: [] };
    const old = (await post(body).expect(201)).body;
    expect(old).toMatchObject({
      regionSet: 'constituency/2021',
      featureDates: { population_k: '2019-12-31', foreigners_pct: '2019-12-31', area_km2: '2019-12-31' },
      rows: 4,
    });
    await runImport(t.db.dataSource, 'regions', NEWER);
    await t
      .http()
      .put('/region-sets/current')
      .set(t.as('strategist'))
      .send({ set: 'constituency/2025' })
      .expect(200);
    const current = (await post(body).expect(201)).body;
    expect(current.regionSet).toBe('constituency/2025');
    const named = (await post({ ...body, set: 'constituency/2021' }).expect(201)).body;
    expect(named.regionSet).toBe('constituency/2021');
    const before = await post({ ...body, asOf: '2010-01-01' }).expect(400);
    expect(before.body.message).toMatch(/no values in constituency\/2025 on or before 2010-01-01/);

    const compared = await t
      .http()
      .get(`/segmentations/${old.id}/compare/${current.id}`)
      .set(t.as('strategist'))
      .expect(400);
    expect(compared.body.message).toMatch(/different region sets \(constituency\/2021, constituency\/2025\)/);

    // A wave over the old segments is refused now that contacts live in the 2025 districts.
    const wave = await peaceSmsWave(t, 'old districts', { runId: old.id, segmentIds: [old.segments[0].id] });
    const preview = await t.http().post(`/waves/${wave.id}/preview`).set(t.as('staff'));
    expect(preview.status).toBe(409);
    expect(preview.body.message).toMatch(
      /segments are regions of constituency\/2021, but contacts are now assigned to constituency\/2025/,
    );
  });
});
