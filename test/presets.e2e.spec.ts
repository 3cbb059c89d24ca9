import { join, resolve } from 'node:path';
import { PRESETS } from '../src/segmentation/presets.js';
import { startTestApp, type TestApp } from './app.js';
import { hasSharedData, runImport, SHARED_DATA, tempFile } from './imports.js';

const SAMPLES = resolve(import.meta.dirname, '../data-samples');
const withSharedData = hasSharedData ? describe : describe.skip;

/** Every default preset is available on the data at hand and runs from the first click. */
async function everyPresetRuns(t: TestApp, set: string, rows: number) {
  const listed = (await t.http().get('/segmentations/presets').set(t.as('strategist')).expect(200)).body;
  expect(listed.set).toBe(set);
  expect(listed.presets.map((p: { key: string }) => p.key)).toEqual(Object.keys(PRESETS));
  for (const preset of listed.presets) expect(preset).toMatchObject({ available: true, missing: [] });
  for (const preset of Object.keys(PRESETS)) {
    const res = await t
      .http()
      .post('/segmentations')
      .set(t.as('strategist'))
      .send({ preset, k: '3', seed: 7, restarts: 2 });
    expect({ preset, status: res.status, message: res.body.message }).toEqual({
      preset,
      status: 201,
      message: undefined,
    });
    expect(res.body).toMatchObject({ preset, regionSet: set, rows, k: 3 });
  }
}

describe('segmentation presets on the demo data', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await runImport(t.db.dataSource, 'regions', join(SAMPLES, 'regions.csv'));
  });
  afterAll(() => t.close());

  it('runs every default preset on the made-up country', () => everyPresetRuns(t, 'constituency/2026', 24));

  it('lists a preset whose features a set lacks as unavailable, naming them, and refuses to run it', async () => {
    const thin = await tempFile(
      'code;name;level;area_km2 (km²);density_per_km2 (EW je km²)\n' +
        'a;Ahlen;district;10,5;300\nb;Birkfeld;district;20;150\nc;Dornau;district;5,5;900\n',
    );
    expect(await runImport(t.db.dataSource, 'regions', thin)).toMatchObject({
      status: 'completed',
      inserted: 3,
    });
    const listed = (await t.http().get('/segmentations/presets?set=district').set(t.as('staff')).expect(200))
      .body;
    expect(listed.set).toBe('district');
    const housing = listed.presets.find((p: { key: string }) => p.key === 'housing');
    expect(housing).toMatchObject({
      available: false,
      missing: expect.arrayContaining(['dwellings_per_1000']),
    });
    expect(housing.missing).not.toContain('density_per_km2');
    const refused = await t
      .http()
      .post('/segmentations')
      .set(t.as('strategist'))
      .send({ set: 'district', preset: 'housing', k: '2' })
      .expect(400);
    expect(refused.body.message).toMatch(
      /^the preset housing is not available on district: it has no values of net_migration_per_1000, living_space_per_inhabitant_m2, dwellings_completed_per_1000, dwellings_per_1000/,
    );
    await t.http().get('/segmentations/presets?set=nowhere/1').set(t.as('staff')).expect(404);
    await t.http().get('/segmentations/presets?set=not a set').set(t.as('staff')).expect(422);
  });
});

withSharedData('segmentation presets on the official Strukturdaten 2025', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    const job = await runImport(t.db.dataSource, 'regions', join(SHARED_DATA, 'btw25_strukturdaten.csv'));
    expect(job.status).toBe('completed');
  });
  afterAll(() => t.close());

  it('runs every default preset on the 299 Wahlkreise', () => everyPresetRuns(t, 'constituency/2025', 299));
});
