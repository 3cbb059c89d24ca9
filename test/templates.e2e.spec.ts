import { join, resolve } from 'node:path';
import { startTestApp, type TestApp } from './app.js';
import { runImport, tempFile } from './imports.js';

const SAMPLES = resolve(import.meta.dirname, '../data-samples');

const body = (overrides: object = {}) => ({
  key: 'childcare',
  name: { de: 'Kita', en: 'Childcare' },
  weights: { age_18_24_pct: 0.2, density_per_km2: 0.1 },
  reasoning: 'Young households in dense areas need childcare places.',
  content: {
    de: {
      subject: 'Kita für {{region_name}}',
      html: '<p>Hallo {{first_name}}</p><a href="{{opt_out_link}}">Abmelden</a>',
      text: 'Hallo {{first_name}} {{opt_out_link}}',
      sms: 'Kita jetzt! STOP zum Abmelden',
    },
    en: {
      subject: 'Childcare for {{region_name}}',
      html: '<p>Hi {{first_name}}</p><a href="{{opt_out_link}}">Unsubscribe</a>',
      text: 'Hi {{first_name}} {{opt_out_link}}',
      sms: 'Childcare now! Reply STOP to opt out',
    },
  },
  ...overrides,
});

describe('issue templates and matches', () => {
  let t: TestApp;
  const auth = () => t.as('strategist');
  beforeAll(async () => {
    t = await startTestApp();
    await runImport(t.db.dataSource, 'regions', join(SAMPLES, 'regions.csv'));
  });
  afterAll(() => t.close());

  it('starts with the default library, each with weights, reasoning and SMS sizes', async () => {
    const res = await t.http().get('/templates').set(auth()).expect(200);
    const issues = [
      'climate',
      'education',
      'health',
      'housing',
      'inflation',
      'jobs',
      'peace',
      'pensions',
      'transit',
    ];
    expect(res.body.map((x: { key: string }) => x.key)).toEqual(
      issues.flatMap((key) => [key, `${key}-reminder`]),
    );
    expect(res.body[0]).toMatchObject({ version: 1, sms: { de: { encoding: 'GSM-7', segments: 1 } } });
  });

  it('creates a template and keeps every edit as a new version', async () => {
    await t.http().post('/templates').set(auth()).send(body()).expect(201);
    const edited = await t
      .http()
      .put('/templates/childcare')
      .set(auth())
      .send({
        ...body(),
        key: undefined,
        reasoning: 'Families with small children need places close to home.',
      })
      .expect(200);
    expect(edited.body).toMatchObject({ key: 'childcare', version: 2 });
    const versions = await t.http().get('/templates/childcare/versions').set(auth()).expect(200);
    expect(versions.body.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    const strategist = await t.db.dataSource.query(`SELECT name FROM staff_users WHERE role = 'strategist'`);
    expect(versions.body[0]).toMatchObject({
      createdByName: strategist[0].name,
      snapshot: { context: 'campaign' },
    });
    expect(versions.body[1].snapshot.reasoning).toBe(
      'Young households in dense areas need childcare places.',
    );
    await t.http().post('/templates').set(auth()).send(body()).expect(409);
  });

  it('refuses unknown placeholders, a missing opt-out, missing languages and weights on unknown features, all at once', async () => {
    const bad = body({
      key: 'broken',
      weights: { shoe_size: 1 },
      content: {
        de: { subject: 'Hi {{vorname}}', html: '<p>no link</p>', text: 'x {{opt_out_link}}', sms: 'x' },
      },
    });
    const res = await t.http().post('/templates').set(auth()).send(bad).expect(400);
    expect(res.body.details.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/content\.de\.subject: unknown placeholder \{\{vorname\}\}/),
        'content.de.html needs {{opt_out_link}}',
        'content.en.subject is missing',
        'weights name unknown features or contact attributes: shoe_size',
      ]),
    );
    await t.http().get('/templates/broken').set(auth()).expect(404);
  });

  it('previews a draft as its messages would read, with every problem saving it would meet', async () => {
    const draft = body({ key: undefined });
    const fine = await t.http().post('/templates/preview').set(auth()).send(draft).expect(200);
    expect(fine.body.context).toBe('campaign');
    expect(fine.body.problems).toEqual([]);
    const region = await t.db.dataSource.query(
      `SELECT r.name FROM regions r JOIN region_levels l ON l.current_set_id = r.set_id
       WHERE r.level = 'constituency' ORDER BY r.code LIMIT 1`,
    );
    expect(fine.body.rendered.de.subject).toBe(`Kita für ${region[0].name}`);
    expect(fine.body.rendered.en.html).toMatch(
      /^<p>Hi Alex<\/p><a href="http[^"]+\/unsubscribe\/…">Unsubscribe<\/a>$/,
    );
    expect(fine.body.rendered.de.smsSize).toEqual({ encoding: 'GSM-7', units: 29, segments: 1 });
    const broken = body({
      key: undefined,
      content: {
        ...draft.content,
        de: { ...draft.content.de, sms: 'Am {{event_date}} ❤️ {{vorname}}' },
      },
    });
    const refused = (await t.http().post('/templates/preview').set(auth()).send(broken).expect(200)).body;
    expect(refused.problems).toEqual([
      expect.stringMatching(/^content\.de\.sms: unknown placeholder \{\{vorname\}\}/),
      'content.de.sms: {{event_date}} is known only in an event reminder, and this is a campaign template (context campaign)',
    ]);
    expect(refused.rendered.de.sms).toBe('Am  ❤️ ');
    expect(refused.rendered.de.smsSize).toMatchObject({ encoding: 'UCS-2', segments: 1 });
    const reminder = (
      await t
        .http()
        .post('/templates/preview')
        .set(auth())
        .send({ ...broken, context: 'event' })
        .expect(200)
    ).body;
    expect(reminder.problems).toEqual([expect.stringMatching(/unknown placeholder \{\{vorname\}\}/)]);
    expect(reminder.rendered.de.sms).toMatch(/^Am \w+, \d{1,2}\. \w+ \d{4} um \d{2}:00 ❤️ $/);
    const housing = (
      await t
        .http()
        .post('/templates/preview')
        .set(auth())
        .send({ key: 'housing-reminder', content: {} })
        .expect(200)
    ).body;
    expect(housing.context).toBe('event');
    expect(housing.problems).toEqual(
      expect.arrayContaining(['content.de.subject is missing', 'weights are empty']),
    );
    await t.http().post('/templates/preview').set(auth()).send({ content: 'x' }).expect(422);
  });

  it('scores every template for every segment with reasons that add up, and stores approve or override (audited)', async () => {
    const run = (await t.http().post('/segmentations').set(auth()).send({ k: '3', seed: 3 }).expect(201))
      .body;
    const matrix = (await t.http().get(`/segmentations/${run.id}/matches`).set(auth()).expect(200)).body;
    expect(matrix.segments).toHaveLength(3);
    for (const s of matrix.segments) {
      expect(s.proposed).toBe(s.ranked[0].score >= matrix.minScore ? s.ranked[0].template : null);
      expect(s.ranked.length).toBe(10);
      for (const r of s.ranked) {
        const sum = r.reasons.reduce((a: number, x: { contribution: number }) => a + x.contribution, 0);
        expect(sum).toBeCloseTo(r.score, 10);
      }
    }
    const [first, second] = matrix.segments.filter((s: { proposed: string | null }) => s.proposed);
    const approve = await t
      .http()
      .put(`/segmentations/${run.id}/matches/${first.segmentId}`)
      .set(auth())
      .send({ templateKey: first.proposed })
      .expect(200);
    expect(approve.body).toMatchObject({
      templateKey: first.proposed,
      overridden: false,
      templateVersion: 1,
    });
    const other = second.ranked[second.ranked.length - 1].template;
    const override = await t
      .http()
      .put(`/segmentations/${run.id}/matches/${second.segmentId}`)
      .set(auth())
      .send({ templateKey: other, comment: 'door-to-door focus' })
      .expect(200);
    expect(override.body).toMatchObject({ templateKey: other, overridden: true });
    const again = (await t.http().get(`/segmentations/${run.id}/matches`).set(auth()).expect(200)).body;
    const decided = again.segments.find((s: { segmentId: string }) => s.segmentId === second.segmentId);
    const strategist = await t.db.dataSource.query(`SELECT name FROM staff_users WHERE role = 'strategist'`);
    expect(decided.decision).toMatchObject({
      templateKey: other,
      overridden: true,
      decidedBy: strategist[0].name,
      comment: 'door-to-door focus',
    });
    const log = await t.db.dataSource.query(
      `SELECT action, details FROM audit_log WHERE action LIKE 'match.%' ORDER BY id`,
    );
    expect(log.map((l: { action: string }) => l.action)).toEqual(['match.approve', 'match.override']);
    expect(log[1].details).toMatchObject({ comment: 'door-to-door focus', proposed: second.proposed });
    await t
      .http()
      .put(`/segmentations/${run.id}/matches/${first.segmentId}`)
      .set(auth())
      .send({ templateKey: 'nothing' })
      .expect(400);
  });

  it('weighs attributes contacts declared, so segments of a contact run get proposals with reasons', async () => {
    const lines = ['email,attr_rent_worry,attr_commute_km'];
    for (let i = 0; i < 20; i++) lines.push(`tenant${i}@example.org,${8 + (i % 3)},${2 + (i % 4)}`);
    for (let i = 0; i < 20; i++) lines.push(`owner${i}@example.org,${1 + (i % 3)},${40 + (i % 5)}`);
    await runImport(t.db.dataSource, 'contacts', await tempFile(lines.join('\n') + '\n'));
    await t
      .http()
      .post('/templates')
      .set(auth())
      .send(body({ key: 'rent-cap', weights: { rent_worry: 0.8, commute_km: -0.2 } }))
      .expect(201);
    const run = (
      await t
        .http()
        .post('/segmentations')
        .set(auth())
        .send({ target: 'contacts', features: ['rent_worry', 'commute_km'], k: '2', seed: 1 })
        .expect(201)
    ).body;
    const matrix = (await t.http().get(`/segmentations/${run.id}/matches`).set(auth()).expect(200)).body;
    const tenants = matrix.segments.find((s: { ranked: { template: string; score: number }[] }) =>
      s.ranked.some((r) => r.template === 'rent-cap' && r.score > 0),
    );
    expect(tenants.proposed).toBe('rent-cap');
    expect(tenants.ranked[0].reasons.map((r: { key: string }) => r.key)).toEqual([
      'rent_worry',
      'commute_km',
    ]);
  });

  it('strategists write templates; staff read them (a wave needs their keys) but may not change them', async () => {
    const staff = t.as('staff');
    const list = await t.http().get('/templates').set(staff).expect(200);
    expect(list.body.map((x: { key: string }) => x.key)).toContain('housing');
    await t.http().put('/templates/housing').set(staff).send({}).expect(403);
  });
});
