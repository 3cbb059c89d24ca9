import { MIGRATIONS } from '../src/database/migrations/index.js';
import { join } from 'node:path';
import { FIXTURES, runImport, tempFile } from './imports.js';
import { startTestApp, type TestApp } from './app.js';

describe('the staff API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      MAX_UPLOAD_BYTES: '200000',
      LOGIN_ATTEMPTS_PER_MINUTE: '5',
      DEFAULT_CONSENT_PURPOSE: 'event-reminders',
    });
    await runImport(t.db.dataSource, 'regions', join(FIXTURES, 'strukturdaten-2025-style.csv'));
  });
  afterAll(() => t.close());
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  it('answers /health without credentials, with the database state', async () => {
    const res = await t.http().get('/health').expect(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      database: { status: 'up', migrations: MIGRATIONS.length },
    });
  });

  it('describes every staff endpoint at /docs', async () => {
    const res = await t.http().get('/docs/openapi.json').expect(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/auth/login',
        '/regions',
        '/features',
        '/contacts',
        '/imports',
        '/imports/{id}',
        '/staff-users',
      ]),
    );
  });

  describe('role boundaries', () => {
    it.each([
      ['GET', '/regions'],
      ['GET', '/features'],
      ['GET', '/contacts'],
      ['GET', '/imports'],
      ['POST', '/imports'],
      ['GET', '/staff-users'],
      ['POST', '/auth/api-keys'],
    ])('%s %s answers 401 without a token and with a made-up one', async (method, path) => {
      await t.http()[method.toLowerCase() as 'get'](path).expect(401);
      await t.http()[method.toLowerCase() as 'get'](path).set(bearer('vs_s_forged')).expect(401);
    });

    it.each([
      ['strategist', 'GET', '/contacts', 403],
      ['staff', 'GET', '/contacts', 200],
      ['strategist', 'GET', '/regions', 200],
      ['staff', 'GET', '/regions', 200],
      ['strategist', 'GET', '/staff-users', 403],
      ['staff', 'GET', '/staff-users', 403],
      ['admin', 'GET', '/staff-users', 200],
      ['admin', 'GET', '/contacts', 200],
    ] as const)('%s: %s %s → %d', async (role, method, path, status) => {
      await t.http()[method.toLowerCase() as 'get'](path).set(t.as(role)).expect(status);
    });

    it('lets staff import contacts but not regions, and strategists the other way round', async () => {
      const regions = join(FIXTURES, 'strukturdaten-2025-style.csv');
      await t
        .http()
        .post('/imports')
        .set(t.as('staff'))
        .field('kind', 'regions')
        .attach('file', regions)
        .expect(403);
      const contacts = await tempFile('email\nrole@example.org\n');
      await t
        .http()
        .post('/imports')
        .set(t.as('strategist'))
        .field('kind', 'contacts')
        .attach('file', contacts)
        .expect(403);
      await t
        .http()
        .post('/imports')
        .set(t.as('strategist'))
        .field('kind', 'regions')
        .attach('file', regions)
        .expect(202);
      await t.imports.idle();
    });
  });

  it('issues API keys to admins: shown once, usable, revocable', async () => {
    const created = await t
      .http()
      .post('/auth/api-keys')
      .set(t.as('admin'))
      .send({ name: 'sync' })
      .expect(201);
    expect(created.body.token).toMatch(/^vs_k_/);
    await t.http().get('/contacts').set(bearer(created.body.token)).expect(200);
    const stored = await t.db.dataSource.query(`SELECT token_hash FROM staff_tokens WHERE id = $1`, [
      created.body.id,
    ]);
    expect(stored[0].token_hash).not.toContain(created.body.token);
    await t.http().delete(`/auth/api-keys/${created.body.id}`).set(t.as('admin')).expect(204);
    await t.http().get('/contacts').set(bearer(created.body.token)).expect(401);
    await t.http().post('/auth/api-keys').set(t.as('staff')).send({ name: 'x' }).expect(403);
  });

  it('imports through POST /imports (202 + job id) and reports rows at GET /imports/:id', async () => {
    const file = await tempFile('email;vorname;newsletter\nok@example.org;Oskar;ja\nkaputt;Karl;ja\n');
    const res = await t
      .http()
      .post('/imports')
      .set(t.as('staff'))
      .field('kind', 'contacts')
      .attach('file', file, 'mitglieder.csv')
      .expect(202);
    expect(res.body).toMatchObject({ kind: 'contacts', fileName: 'mitglieder.csv', status: 'queued' });
    await t.imports.idle();
    const job = await t.http().get(`/imports/${res.body.id}`).set(t.as('staff')).expect(200);
    expect(job.body).toMatchObject({
      status: 'completed',
      read: 2,
      inserted: 1,
      rejected: 1,
      errors: [{ line: 3, column: 'email', reason: 'not a valid email address', value: 'kaputt' }],
    });
    expect(job.body.durationMs).toEqual(expect.any(Number));
    // A strategist may follow the job, but reads no personal data in it: line, column and reason only.
    const seen = await t.http().get(`/imports/${res.body.id}`).set(t.as('strategist')).expect(200);
    expect(seen.body.errors).toEqual([{ line: 3, column: 'email', reason: 'not a valid email address' }]);
    const listed = await t.http().get('/imports').set(t.as('strategist')).expect(200);
    expect(JSON.stringify(listed.body)).not.toContain('kaputt');
    expect(Object.keys(job.body.timings).sort()).toEqual([
      'commit',
      'consent',
      'dedupe',
      'insert',
      'match',
      'read',
      'update',
    ]);
    const list = await t.http().get('/imports').set(t.as('staff')).expect(200);
    expect(list.body.items.map((j: { id: string }) => j.id)).toContain(res.body.id);
  });

  it('refuses uploads over the size limit with 413 and keeps nothing of them', async () => {
    const big = await tempFile('email\n' + 'x@example.org\n'.repeat(20_000));
    const before = await t.db.dataSource.query(`SELECT count(*)::int AS n FROM import_jobs`);
    await t
      .http()
      .post('/imports')
      .set(t.as('staff'))
      .field('kind', 'contacts')
      .attach('file', big)
      .expect(413);
    const after = await t.db.dataSource.query(`SELECT count(*)::int AS n FROM import_jobs`);
    expect(after[0].n).toBe(before[0].n);
  });

  it.each([
    [{ kind: 'people' }, 'kind'],
    [{ kind: 'contacts', purpose: 'Not A Key!' }, 'purpose'],
    [{ kind: 'contacts', surprise: 'x' }, 'surprise'],
  ])('validates import fields: %j → 422 naming %s', async (fields, field) => {
    const req = t
      .http()
      .post('/imports')
      .set(t.as('staff'))
      .attach('file', await tempFile('email\na@example.org\n'));
    for (const [k, v] of Object.entries(fields)) void req.field(k, v);
    const res = await req.expect(422);
    expect(res.body.fields.map((f: { field: string }) => f.field)).toContain(field);
  });

  it('rejects a mapping that is not JSON, or whose keys or columns do not fit the file, listing both', async () => {
    const notJson = await t
      .http()
      .post('/imports')
      .set(t.as('staff'))
      .field('kind', 'contacts')
      .field('mapping', '{email:')
      .attach('file', await tempFile('email\na@example.org\n'))
      .expect(422);
    expect(notJson.body.message).toMatch(/mapping must be a JSON object/);
    const started = await t
      .http()
      .post('/imports')
      .set(t.as('staff'))
      .field('kind', 'contacts')
      .field('mapping', '{"shoe_size":"x","sms_consent":"SMS-Erinnerung"}')
      .attach('file', await tempFile('E-Mail;Telefon\na@example.org;\n'))
      .expect(202);
    await t.imports.idle();
    const job = (await t.http().get(`/imports/${started.body.id}`).set(t.as('staff')).expect(200)).body;
    expect(job).toMatchObject({ status: 'rejected', inserted: 0 });
    expect(job.reason).toContain('unknown key "shoe_size"');
    expect(job.reason).toContain(
      '"sms_consent" names the column "SMS-Erinnerung", which the file does not have',
    );
    expect(job.reason).toMatch(
      /Valid keys: external_id, first_name, .*sms_consent, .*email_opt_out, sms_opt_out/,
    );
    expect(job.reason).toMatch(/The file's columns: E-Mail, Telefon$/);
    expect(await t.db.dataSource.query(`SELECT 1 FROM contacts WHERE email = 'a@example.org'`)).toEqual([]);
  });

  it('filters regions by level and parent, paginated, with features', async () => {
    const states = await t.http().get('/regions?level=state').set(t.as('strategist')).expect(200);
    expect(states.body).toMatchObject({ total: 2, page: 1, perPage: 50 });
    const sh = states.body.items.find((s: { code: string }) => s.code === '901');
    const children = await t
      .http()
      .get(`/regions?parentId=${sh.id}&perPage=1&page=2`)
      .set(t.as('strategist'))
      .expect(200);
    expect(children.body).toMatchObject({ total: 2, page: 2, perPage: 1 });
    expect(children.body.items[0]).toMatchObject({
      code: '2',
      level: 'constituency',
      parent: { code: '901', level: 'state' },
    });
    expect(children.body.items[0].features.population_k).toBe(239.1);
    const byCode = await t.http().get('/regions?parent=state:911').set(t.as('strategist')).expect(200);
    expect(byCode.body.items.map((r: { code: string }) => r.code)).toEqual(['74', '75']);
  });

  it('lists the feature catalogue', async () => {
    const res = await t.http().get('/features').set(t.as('strategist')).expect(200);
    expect(res.body).toContainEqual({
      key: 'foreigners_pct',
      label: 'Bevölkerung - Ausländer/-innen (%)',
      unit: '%',
      source: 'regions',
      regions: 7,
      dates: [{ asOf: '2023-12-31', sets: ['constituency/2025', 'nation/2025', 'state/2025'], regions: 7 }],
    });
  });

  it('filters contacts by region, language and consent', async () => {
    const file = await tempFile(
      'email,region,language,email_consent\nr1@example.org,74,de,ja\nr2@example.org,74,tr,\nr3@example.org,1,de,nein\n',
    );
    await t
      .http()
      .post('/imports')
      .set(t.as('staff'))
      .field('kind', 'contacts')
      .attach('file', file)
      .expect(202);
    await t.imports.idle();
    const get = (q: string) => t.http().get(`/contacts?${q}`).set(t.as('staff')).expect(200);
    expect((await get('region=74')).body.items.map((c: { email: string }) => c.email).sort()).toEqual([
      'r1@example.org',
      'r2@example.org',
    ]);
    expect((await get('region=74&language=tr')).body.total).toBe(1);
    const requested = await get('consent=requested&channel=email');
    expect(requested.body.items.map((c: { email: string }) => c.email)).toContain('r1@example.org');
    // No purpose was sent with the upload: the configured default applies.
    expect(requested.body.items[0].consent.email).toEqual({ 'event-reminders': 'requested' });
    expect((await get('region=74&consent=none')).body.items.map((c: { email: string }) => c.email)).toEqual([
      'r2@example.org',
    ]);
    await t.http().get('/contacts?consent=maybe').set(t.as('staff')).expect(422);
  });

  it('writes every staff change to the audit log', async () => {
    await t
      .http()
      .post('/staff-users')
      .set(t.as('admin'))
      .send({ name: 'New', email: 'new@example.org', password: 'long-enough-pass', role: 'staff' })
      .expect(201);
    const log = await t.db.dataSource.query(
      `SELECT action, entity_type, staff_user_id IS NOT NULL AS by_someone FROM audit_log ORDER BY id`,
    );
    expect(log).toEqual(
      expect.arrayContaining([
        { action: 'staff-user.create', entity_type: 'staff-user', by_someone: true },
        { action: 'import.start', entity_type: 'import-job', by_someone: true },
        { action: 'api-key.revoke', entity_type: 'api-key', by_someone: true },
      ]),
    );
  });

  it('rate-limits login attempts', async () => {
    const attempt = () =>
      t.http().post('/auth/login').send({ email: 'admin@example.org', password: 'wrong' });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await attempt()).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });
});
