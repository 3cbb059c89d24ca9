import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { feature } from 'topojson-client';
import type { Topology } from 'topojson-server';
import { loadConfig } from '../src/config/config.js';
import { loadDemo } from '../src/demo.js';
import { startTestApp, type TestApp } from './app.js';
import { FIXTURES, hasSharedData, runImport, SHARED_DATA, tempFile } from './imports.js';

const SAMPLES = resolve(import.meta.dirname, '../data-samples');
const CLI = resolve(import.meta.dirname, '../dist/cli.js');
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const withSharedData = hasSharedData ? describe : describe.skip;
if (!hasSharedData)
  console.warn('skipped: ../shared/data is not there, so the official Wahlkreis shapes are not tested');

const square = (x: number, y: number, size = 0.1) => [
  [x, y],
  [x + size, y],
  [x + size, y + size],
  [x, y + size],
  [x, y],
];
const polygon = (x: number, y: number) => ({ type: 'Polygon', coordinates: [square(x, y)] });
const shapesFile = (features: { properties: Record<string, unknown>; geometry: unknown }[]) =>
  tempFile(
    JSON.stringify({ type: 'FeatureCollection', features: features.map((f) => ({ type: 'Feature', ...f })) }),
    'shapes.geojson',
  );

/** What a map gets: the decoded shapes of the document's one object, with their properties. */
function shapesOf(topology: Topology) {
  const [object] = Object.values(topology.objects);
  return feature(topology, object).features;
}

describe('region geometry', () => {
  let t: TestApp;
  let demoSet: string;
  beforeAll(async () => {
    t = await startTestApp();
    const dataDir = await mkdtemp(join(tmpdir(), 'voter-segments-demo-'));
    // The test app has its admin@example.org already; the demo then keeps it rather than making its own.
    await writeFile(join(dataDir, 'demo-admin.txt'), 'admin-password-long\n');
    const env = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'error' });
    await loadDemo(t.app, env);
    [{ key: demoSet }] = await t.db.dataSource.query(
      `SELECT s.key FROM region_levels l JOIN region_sets s ON s.id = l.current_set_id WHERE l.level = 'constituency'`,
    );
  });
  afterAll(() => t.close());

  const getGeometry = (query = '', token = t.tokens.strategist) =>
    t.http().get(`/geometry${query}`).set(bearer(token));
  const regionsOf = (set: string): Promise<{ id: string; code: string; name: string }[]> =>
    t.db.dataSource.query(
      `SELECT r.id, r.code, r.name FROM regions r JOIN region_sets s ON s.id = r.set_id WHERE s.key = $1
       ORDER BY length(r.code), r.code`,
      [set],
    );

  it('the demo loads its made-up shapes, so the map of its current set works with no outside file', async () => {
    const res = await getGeometry().expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers.etag).toMatch(/^"[\w-]+"$/);
    expect(res.headers['cache-control']).toBe('private, no-cache');
    const shapes = shapesOf(res.body as Topology);
    expect(shapes.map((s) => s.properties)).toEqual(await regionsOf(demoSet));
    expect(shapes).toHaveLength(24);
    expect((res.body as { source?: string }).source).toMatch(/synthetic/);
    expect((await getGeometry(`?set=${demoSet}`).expect(200)).headers.etag).toBe(res.headers.etag);
  });

  it('answers 304 to a caller whose copy is current, for staff too, and 401 without a token', async () => {
    await getGeometry('', t.tokens.admin).expect(200);
    const { headers } = await getGeometry('', t.tokens.staff).expect(200);
    const again = await getGeometry().set('If-None-Match', headers.etag).expect(304);
    expect(again.text).toBe('');
    expect(again.headers.etag).toBe(headers.etag);
    await getGeometry().set('If-None-Match', '"an-old-copy"').expect(200);
    await t.http().get('/geometry').expect(401);
  });

  it('says 404 for a set without geometry and for no set at all', async () => {
    await runImport(t.db.dataSource, 'regions', join(FIXTURES, 'strukturdaten-2025-style.csv'));
    const none = await getGeometry('?set=constituency/2025').expect(404);
    expect(none.body.message).toBe(
      'constituency/2025 has no geometry yet: import a GeoJSON file of its shapes (import kind geometry)',
    );
    const unknown = await getGeometry('?set=constituency/1990').expect(404);
    expect(unknown.body.message).toMatch(/There is no region set constituency\/1990/);
    await getGeometry('?set=not a set').expect(422);
  });

  it('importing the same file again changes nothing, the ETag included', async () => {
    const before = (await getGeometry().expect(200)).headers.etag;
    const job = await runImport(t.db.dataSource, 'geometry', join(SAMPLES, 'geometry.geojson'));
    expect(job).toMatchObject({
      status: 'completed',
      read: 24,
      inserted: 0,
      updated: 0,
      unchanged: 24,
      rejected: 0,
    });
    expect(job.report).toEqual({ sets: [demoSet] });
    expect((await getGeometry().expect(200)).headers.etag).toBe(before);
  });

  it('reports bad features by their index and reason, keeps the rest, and updates the map', async () => {
    const before = (await getGeometry().expect(200)).headers.etag;
    const [first, second] = await regionsOf(demoSet);
    const file = await shapesFile([
      { properties: { Nummer: first.code }, geometry: polygon(10, 50) },
      { properties: { Nummer: '999' }, geometry: polygon(11, 50) },
      { properties: { Nummer: second.code }, geometry: { type: 'LineString', coordinates: square(12, 50) } },
      {
        properties: { Nummer: '3' },
        geometry: { type: 'Polygon', coordinates: [square(13, 50).slice(0, 4)] },
      },
      { properties: { Nummer: '4' }, geometry: { type: 'Polygon', coordinates: [square(13, 500)] } },
      { properties: {}, geometry: polygon(14, 50) },
    ]);
    const queued = await t
      .http()
      .post('/imports')
      .set(t.as('strategist'))
      .field('kind', 'geometry')
      .field('codeProperty', 'Nummer')
      .attach('file', file, 'shapes.geojson')
      .expect(202);
    await t.imports.idle();
    const job = (await t.http().get(`/imports/${queued.body.id}`).set(t.as('strategist')).expect(200)).body;
    expect(job).toMatchObject({
      status: 'completed',
      read: 6,
      inserted: 0,
      updated: 1,
      unchanged: 0,
      rejected: 5,
    });
    expect(job.errors).toEqual([
      { line: 2, column: 'Nummer', reason: `feature 2: Nummer 999 matches no region of ${demoSet}` },
      {
        line: 3,
        column: 'geometry',
        reason: `feature 3 (Nummer ${second.code}): its geometry is a LineString, not a Polygon or MultiPolygon`,
      },
      {
        line: 4,
        column: 'geometry',
        reason: 'feature 4 (Nummer 3): ring 1 is not closed: its last position is not its first',
      },
      {
        line: 5,
        column: 'geometry',
        reason:
          'feature 5 (Nummer 4): ring 1 has position 1 (13, 500) outside longitude −180…180, latitude −90…90: not WGS84',
      },
      { line: 6, column: 'Nummer', reason: 'feature 6 has no Nummer' },
    ]);
    const res = await getGeometry().expect(200);
    expect(res.headers.etag).not.toBe(before);
    const moved = shapesOf(res.body as Topology).find((s) => s.properties.code === first.code)!;
    const [lon, lat] = (moved.geometry.coordinates as number[][][])[0][0];
    expect([Math.round(lon * 10) / 10, Math.round(lat * 10) / 10]).toEqual([10, 50]);
    expect(shapesOf(res.body as Topology)).toHaveLength(24);
  });

  it('rejects a file that is not GeoJSON, or whose names are of another edition, whole and writing nothing', async () => {
    const stored = async () =>
      (
        await t.db.dataSource.query(`SELECT count(*)::int AS n, max(updated_at) AS at FROM region_geometries`)
      )[0];
    const before = await stored();
    const [region] = await regionsOf(demoSet);
    for (const [content, reason] of [
      [
        'plz;wahlkreis\n10115;1\n',
        /^the file is not JSON \(.+\): geometry is imported from a GeoJSON FeatureCollection$/,
      ],
      [
        '{"type":"Feature","properties":{},"geometry":null}',
        /^the file is a GeoJSON Feature, not a FeatureCollection/,
      ],
      [
        JSON.stringify({
          type: 'FeatureCollection',
          features: [
            {
              type: 'Feature',
              properties: { code: region.code, name: 'Anderswo' },
              geometry: polygon(9, 49),
            },
          ],
        }),
        `district ${region.code} is '${region.name}' here and 'Anderswo' in the file: these shapes belong to another edition than ${demoSet}; name the right one with --edition`,
      ],
    ] as const) {
      const job = await runImport(t.db.dataSource, 'geometry', await tempFile(content, 'x.geojson'));
      expect(job).toMatchObject({ status: 'rejected', inserted: 0, updated: 0 });
      expect(job.reason).toMatch(reason);
    }
    expect(await stored()).toEqual(before);
  });

  it('lets strategists import geometry, not staff', async () => {
    const res = await t
      .http()
      .post('/imports')
      .set(t.as('staff'))
      .field('kind', 'geometry')
      .attach('file', join(SAMPLES, 'geometry.geojson'))
      .expect(403);
    expect(res.body.message).toBe('Importing geometry needs the role admin or strategist');
  });

  it('imports from the command line, into the edition given, with --code-property', async () => {
    const [region] = await regionsOf('constituency/2025');
    const file = await shapesFile([{ properties: { WK: region.code }, geometry: polygon(9.5, 54.5) }]);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [CLI, 'import', 'geometry', file, '--edition', '2025', '--code-property', 'WK', '--json'],
      { env: { ...process.env, DATABASE_URL: t.db.url } },
    );
    expect(JSON.parse(stdout.trim().split('\n').pop()!)).toMatchObject({
      status: 'completed',
      inserted: 1,
      report: { sets: ['constituency/2025'] },
    });
    const shapes = shapesOf((await getGeometry('?set=constituency/2025').expect(200)).body as Topology);
    expect(shapes.map((s) => s.properties)).toEqual([region]);
  });
});

withSharedData('the official Wahlkreis shapes of 2025', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('gives 299 shapes matched to the 299 districts of the Strukturdaten, in one compact document', async () => {
    await runImport(t.db.dataSource, 'regions', join(SHARED_DATA, 'btw25_strukturdaten.csv'));
    const path = join(SHARED_DATA, 'btw25_wahlkreise.geojson');
    const job = await runImport(t.db.dataSource, 'geometry', path);
    expect(job).toMatchObject({
      status: 'completed',
      read: 299,
      inserted: 299,
      updated: 0,
      rejected: 0,
      errors: [],
      report: { sets: ['constituency/2025'] },
    });
    // The shapes are kept as imported.
    const [kept] = await t.db.dataSource.query(
      `SELECT g.geometry FROM region_geometries g JOIN regions r ON r.id = g.region_id WHERE r.code = '74'`,
    );
    const original = JSON.parse(await readFile(path, 'utf8')).features.find(
      (f: { properties: { WKR_NR: number } }) => f.properties.WKR_NR === 74,
    );
    expect(kept.geometry).toEqual(original.geometry);

    const res = await t.http().get('/geometry').set(t.as('strategist')).expect(200);
    const shapes = shapesOf(res.body as Topology);
    const districts: { id: string; code: string; name: string }[] = await t.db.dataSource.query(
      `SELECT r.id, r.code, r.name FROM regions r JOIN region_sets s ON s.id = r.set_id
       WHERE s.key = 'constituency/2025' ORDER BY length(r.code), r.code`,
    );
    expect(districts).toHaveLength(299);
    expect(shapes.map((s) => s.properties)).toEqual(districts);
    for (const shape of shapes) {
      const rings =
        shape.geometry.type === 'Polygon' ? shape.geometry.coordinates : shape.geometry.coordinates.flat(1);
      for (const ring of rings as number[][][]) expect(ring.length).toBeGreaterThanOrEqual(4);
    }
    expect((res.body as { source: string }).source).toMatch(/^© Die Bundeswahlleiterin.*dl-de\/by-2-0/);
    expect(res.text.length).toBeLessThan(300_000);
    expect(res.text.length).toBeGreaterThan(100_000);
  });
});
