import { join, resolve } from 'node:path';
import { seededRandom } from '../src/common/random.js';
import { Env } from '../src/config/config.js';
import { segmentCommand } from '../src/segmentation/segmentation-cli.js';
import { startTestApp, type TestApp } from './app.js';
import { hasSharedData, runImport, SHARED_DATA, tempFile } from './imports.js';

const SAMPLES = resolve(import.meta.dirname, '../data-samples');

describe('segmentation runs', () => {
  let t: TestApp;
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  beforeAll(async () => {
    t = await startTestApp();
    await runImport(t.db.dataSource, 'regions', join(SAMPLES, 'regions.csv'));
    await runImport(t.db.dataSource, 'contacts', join(SAMPLES, 'contacts.csv'));
  });
  afterAll(() => t.close());
  const post = (body: object, token = t.tokens.strategist) =>
    t.http().post('/segmentations').set(bearer(token)).send(body);
  const runCount = async () =>
    (await t.db.dataSource.query(`SELECT count(*)::int AS n FROM segmentation_runs`))[0].n as number;

  it('clusters the districts with the default preset and profiles every segment', async () => {
    const res = await post({ k: '2-6', seed: 42 }).expect(201);
    const run = res.body;
    expect(run).toMatchObject({ level: 'constituency', preset: 'overview', kRange: [2, 6], rows: 24 });
    expect(run.kTable.map((r: { k: number }) => r.k)).toEqual([2, 3, 4, 5, 6]);
    expect(run.k).toBe(
      run.kTable.reduce((a: { silhouette: number; k: number }, b: { silhouette: number; k: number }) =>
        b.silhouette > a.silhouette ? b : a,
      ).k,
    );
    expect(run.stability).toBeGreaterThan(0);
    expect(run.featureStats[0]).toMatchObject({ key: 'sgb2_per_1000', imputed: 0, scaling: 'zscore' });
    expect(run.featureStats.find((f: { key: string }) => f.key === 'density_per_km2').scaling).toBe(
      'log-zscore',
    );
    expect(run.segments).toHaveLength(run.k);
    const members = run.segments.flatMap((s: { regions: { code: string }[] }) =>
      s.regions.map((r) => r.code),
    );
    expect(members).toHaveLength(24);
    expect(members).not.toContain('901');
    expect(members).not.toContain('999');
    for (const segment of run.segments) {
      expect(segment.size).toBe(segment.regions.length);
      expect(segment.label.de.length).toBeGreaterThan(0);
      expect(segment.label.en.length).toBeGreaterThan(0);
      expect(segment.distinguishing.length).toBeGreaterThanOrEqual(3);
      expect(segment.inhabitants).toBeGreaterThan(0);
    }
    const inFirst = await t
      .http()
      .get(`/contacts?segmentId=${run.segments[0].id}&perPage=1`)
      .set(t.as('staff'))
      .expect(200);
    expect(inFirst.body.total).toBe(run.segments[0].contacts);
    const [{ n }] = await t.db.dataSource.query(
      `SELECT count(*)::int AS n FROM contacts WHERE region_id IS NOT NULL`,
    );
    expect(n).toBeGreaterThan(400);
    expect(run.segments.reduce((sum: number, s: { contacts: number }) => sum + s.contacts, 0)).toBe(n);
  });

  it('gives the same segments for the same data, parameters and seed, and keeps both runs', async () => {
    const body = {
      features: ['sgb2_per_1000', 'disposable_income_eur', 'unemployment_pct'],
      k: '3',
      seed: 7,
      restarts: 3,
    };
    const a = (await post(body).expect(201)).body;
    const b = (await post(body).expect(201)).body;
    expect(b.id).not.toBe(a.id);
    const membership = (run: { segments: { regions: { code: string }[] }[] }) =>
      run.segments.map((s) => s.regions.map((r) => r.code));
    expect(membership(b)).toEqual(membership(a));
    const same = await t
      .http()
      .get(`/segmentations/${a.id}/compare/${b.id}`)
      .set(t.as('strategist'))
      .expect(200);
    expect(same.body).toMatchObject({ target: 'regions', compared: 24, ari: 1, movedCount: 0, moved: [] });
    const c = (await post({ ...body, k: '5', seed: 8 }).expect(201)).body;
    const other = await t
      .http()
      .get(`/segmentations/${a.id}/compare/${c.id}`)
      .set(t.as('strategist'))
      .expect(200);
    expect(other.body.ari).toBeLessThan(1);
    expect(other.body.movedCount).toBe(other.body.moved.length);
    const flows: { from: { index: number }; to: { index: number }; count: number }[] = other.body.flows;
    expect(flows.reduce((n, f) => n + f.count, 0)).toBe(24);
    for (const m of other.body.moved)
      expect(flows).toContainEqual(
        expect.objectContaining({ from: expect.objectContaining(m.from), to: expect.objectContaining(m.to) }),
      );
    expect(other.body.moved.length).toBeGreaterThan(0);
    expect(other.body.moved[0]).toMatchObject({
      code: expect.any(String),
      from: { index: expect.any(Number) },
      to: { index: expect.any(Number) },
    });
    const list = await t.http().get('/segmentations').set(t.as('strategist')).expect(200);
    expect(list.body.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining([a.id, b.id]));
  });

  it.each([
    [{ features: ['sgb2_per_1000', 'shoe_size'] }, /unknown feature keys: shoe_size/],
    [{ k: '1' }, /k must be at least 2/],
    [{ k: '5-3' }, /k must be at least 2, and a range must run from low to high/],
    [{ k: '2-30' }, /k cannot exceed the number of regions \(24\)/],
    [{ k: '2-20' }, /a k range may span at most 15 values/],
    [{ level: 'municipality' }, /no regions of level "municipality"/],
  ])('refuses %j with 400 and the reason, writing nothing', async (body, reason) => {
    const before = await runCount();
    const res = await post(body).expect(400);
    expect(res.body.message).toMatch(reason);
    expect(await runCount()).toBe(before);
  });

  it('refuses a feature without variance, naming it', async () => {
    await runImport(
      t.db.dataSource,
      'regions',
      await tempFile('code,name,level,flat,varied\na,A,test,1,1\nb,B,test,1,2\nc,C,test,1,5\n'),
    );
    const res = await post({ level: 'test', features: ['flat', 'varied'], k: '2' }).expect(400);
    expect(res.body.message).toMatch(/flat \(it has the same value everywhere/);
  });

  it('names the k whose silhouette ties with the chosen one within noise, in the API and the CLI', async () => {
    // Districts spread evenly over two features: no number of groups is clearly better than its neighbours.
    const random = seededRandom(1);
    const lines = ['code,name,level,east,north'];
    for (let i = 0; i < 40; i++)
      lines.push(`e${i},Even ${i},even,${Math.round(random() * 1000)},${Math.round(random() * 1000)}`);
    await runImport(t.db.dataSource, 'regions', await tempFile(lines.join('\n') + '\n'));
    const run = (await post({ level: 'even', features: ['east', 'north'], k: '2-6', seed: 42 }).expect(201))
      .body;
    expect(run.silhouetteNoise).toBeGreaterThan(0);
    const within = run.kTable
      .filter(
        (r: { k: number; silhouette: number }) =>
          r.k !== run.k && run.silhouette - r.silhouette <= run.silhouetteNoise,
      )
      .map((r: { k: number }) => r.k);
    expect(within.length).toBeGreaterThan(0);
    expect(run.nearTies).toEqual(within);
    const stored = (await t.http().get(`/segmentations/${run.id}`).set(t.as('staff')).expect(200)).body;
    expect(stored).toMatchObject({ nearTies: within, silhouetteNoise: run.silhouetteNoise });
    const listed = (await t.http().get('/segmentations').set(t.as('staff')).expect(200)).body;
    expect(listed.find((r: { id: string }) => r.id === run.id).nearTies).toEqual(within);

    // Clearly separated districts leave no near tie.
    const clear = (await post({ k: '2-6', seed: 42 }).expect(201)).body;
    expect(clear).toMatchObject({ k: 2, nearTies: [] });

    const printed: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => void printed.push(args.join(' '));
    try {
      const args = '--level even --features east,north --k 2-6 --seed 42'.split(' ');
      await segmentCommand(t.db.dataSource, t.app.get(Env), args);
    } finally {
      console.log = log;
    }
    const text = printed.join('\n');
    expect(text).toContain(`near ties (~): k = ${within.join(', ')} lie within noise of the chosen k`);
    for (const k of within) expect(text).toMatch(new RegExp(`^~ *${k} `, 'm'));
    expect(text).toMatch(new RegExp(`^\\* *${run.k} `, 'm'));
  });

  it('validates the request body (422 field by field)', async () => {
    const res = await post({ seed: -1, restarts: 0, preset: 'astrology' }).expect(422);
    expect(res.body.fields.map((f: { field: string }) => f.field).sort()).toEqual([
      'preset',
      'restarts',
      'seed',
    ]);
  });

  it('clusters contacts on the attributes they declared themselves', async () => {
    const lines = ['email,attr_rent_worry,attr_commute_km,attr_note'];
    for (let i = 0; i < 30; i++) lines.push(`tenant${i}@example.org,${8 + (i % 3)},${2 + (i % 4)},x`);
    for (let i = 0; i < 30; i++) lines.push(`owner${i}@example.org,${1 + (i % 3)},${40 + (i % 5)},y`);
    lines.push('quiet@example.org,,,');
    await runImport(t.db.dataSource, 'contacts', await tempFile(lines.join('\n') + '\n'));
    const run = (
      await post({ target: 'contacts', features: ['rent_worry', 'commute_km'], k: '2-4', seed: 1 }).expect(
        201,
      )
    ).body;
    expect(run).toMatchObject({ target: 'contacts', rows: 60, k: 2 });
    const firstSegment = await t
      .http()
      .get(`/contacts?segmentId=${run.segments[0].id}`)
      .set(t.as('staff'))
      .expect(200);
    expect(firstSegment.body.total).toBe(30);
    expect(run.segments.map((s: { contacts: number }) => s.contacts).sort()).toEqual([30, 30]);
    const members = await t.db.dataSource.query(
      `SELECT s.index, count(*) FILTER (WHERE c.email LIKE 'tenant%')::int AS tenants FROM segment_contact_members m
       JOIN segments s ON s.id = m.segment_id JOIN contacts c ON c.id = m.contact_id WHERE m.run_id = $1 GROUP BY s.index ORDER BY s.index`,
      [run.id],
    );
    expect(members.map((m: { tenants: number }) => m.tenants).sort()).toEqual([0, 30]);
    const other = (
      await post({ target: 'contacts', features: ['rent_worry', 'commute_km'], k: '3', seed: 1 }).expect(201)
    ).body;
    const compared = (
      await t.http().get(`/segmentations/${run.id}/compare/${other.id}`).set(t.as('strategist')).expect(200)
    ).body;
    expect(compared).toMatchObject({ target: 'contacts', compared: 60 });
    expect(compared.ari).toBeLessThan(1);
    expect(compared.moved[0]).toEqual({
      id: expect.any(String),
      from: expect.anything(),
      to: expect.anything(),
    });
    const regionRun = (await post({ k: '3', seed: 1 }).expect(201)).body;
    const mixed = await t
      .http()
      .get(`/segmentations/${run.id}/compare/${regionRun.id}`)
      .set(t.as('strategist'))
      .expect(400);
    expect(mixed.body.message).toMatch(/one run is over contacts, the other over regions/);
    await post({ target: 'contacts', features: ['shoe_size'], k: '2' }).expect(400);
    const noFeatures = await post({ target: 'contacts', k: '2' }).expect(400);
    expect(noFeatures.body.message).toMatch(/needs the attribute keys/);
  });

  it('is for strategists: staff get 403', async () => {
    await post({ k: '3' }, t.tokens.staff).expect(403);
  });

  it("gives a run's segments × features in one answer: labels, units, days, means and standard scores", async () => {
    const run = (await post({ k: '3', seed: 2 }).expect(201)).body;
    const res = await t.http().get(`/segmentations/${run.id}/profile`).set(t.as('staff')).expect(200);
    const profile = res.body;
    expect(profile.features.map((f: { key: string }) => f.key)).toEqual(run.features);
    expect(profile.features[0]).toMatchObject({ label: expect.any(String), mean: expect.any(Number) });
    expect(profile.features.find((f: { key: string }) => f.key === 'density_per_km2')).toMatchObject({
      unit: expect.stringMatching(/km²/),
      asOf: run.featureDates.density_per_km2,
    });
    expect(profile.segments.map((s: { id: string }) => s.id)).toEqual(
      run.segments.map((s: { id: string }) => s.id),
    );
    run.segments.forEach((segment: { centroid: { key: string; value: number; z: number }[] }, i: number) =>
      run.features.forEach((key: string, j: number) => {
        const cell = segment.centroid.find((c) => c.key === key)!;
        expect(profile.z[i][j]).toBe(cell.z);
        expect(profile.values[i][j]).toBe(cell.value);
      }),
    );
    await t
      .http()
      .get('/segmentations/00000000-0000-4000-8000-000000000000/profile')
      .set(t.as('staff'))
      .expect(404);
  });

  it('lets a strategist rename a segment and add notes, audited', async () => {
    const run = (await post({ k: '3', seed: 1 }).expect(201)).body;
    const id = run.segments[0].id;
    const res = await t
      .http()
      .patch(`/segments/${id}`)
      .set(t.as('strategist'))
      .send({ name: 'Städtische Mitte', notes: 'Haustür zuerst' })
      .expect(200);
    expect(res.body).toMatchObject({
      name: 'Städtische Mitte',
      notes: 'Haustür zuerst',
      label: run.segments[0].label,
    });
    expect(run.segments[0].edited).toBeNull();
    const again = await t.http().get(`/segmentations/${run.id}`).set(t.as('strategist')).expect(200);
    expect(again.body.segments[0].name).toBe('Städtische Mitte');
    const strategist = await t.db.dataSource.query(`SELECT name FROM staff_users WHERE role = 'strategist'`);
    expect(again.body.segments[0].edited).toEqual({ by: strategist[0].name, at: expect.any(String) });
    expect(again.body.segments[1].edited).toBeNull();
    const audit = await t.db.dataSource.query(
      `SELECT details FROM audit_log WHERE action = 'segment.update' AND entity_id = $1`,
      [id],
    );
    expect(audit[0].details).toMatchObject({ before: { name: null }, after: { name: 'Städtische Mitte' } });
  });
});

(hasSharedData ? describe : describe.skip)('a run over the real Strukturdaten', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await runImport(t.db.dataSource, 'regions', join(SHARED_DATA, 'btw25_strukturdaten.csv'));
  });
  afterAll(() => t.close());

  it('segments all 299 districts, never a state or the nation', async () => {
    const res = await t
      .http()
      .post('/segmentations')
      .set(t.as('strategist'))
      .send({ k: '3-8', seed: 42 })
      .expect(201);
    const sizes = res.body.segments.map((s: { size: number }) => s.size);
    expect(sizes.reduce((a: number, b: number) => a + b, 0)).toBe(299);
    const codes = res.body.segments.flatMap((s: { regions: { code: string }[] }) =>
      s.regions.map((r) => Number(r.code)),
    );
    expect(Math.max(...codes)).toBe(299);
    const berlinMitte = res.body.segments.find((s: { regions: { code: string }[] }) =>
      s.regions.some((r) => r.code === '74'),
    );
    expect(berlinMitte.label.en).toMatch(/dense/);
  });
});
