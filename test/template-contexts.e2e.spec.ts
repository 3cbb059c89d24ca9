import { join, resolve } from 'node:path';
import { IssueTemplate, IssueTemplateVersion } from '../src/templates/template.entities.js';
import { ensureDefaultTemplates } from '../src/templates/templates.service.js';
import { startTestApp, type TestApp } from './app.js';
import { createTestDatabase } from './database.js';
import { runImport } from './imports.js';

const SAMPLES = resolve(import.meta.dirname, '../data-samples');

describe('templates and the waves they fit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ QUIET_HOURS_SMS: 'off', QUIET_HOURS_EMAIL: 'off' });
    await runImport(t.db.dataSource, 'regions', join(SAMPLES, 'regions.csv'));
    await runImport(t.db.dataSource, 'postcodes', join(SAMPLES, 'postcodes.csv'));
    await runImport(t.db.dataSource, 'contacts', join(SAMPLES, 'contacts.csv'));
  });
  afterAll(() => t.close());
  const wave = (body: object) =>
    t
      .http()
      .post('/waves')
      .set(t.as('staff'))
      .send({
        name: 'w',
        channel: 'email',
        purpose: 'campaign-news',
        audience: {},
        templateStrategy: 'fixed',
        ...body,
      });

  it('refuses a wave without an event whose template needs the event’s date and place', async () => {
    const res = await wave({ templateKey: 'transit-reminder' }).expect(400);
    expect(res.body.message).toBe(
      "the template 'transit-reminder' uses {{event_date}} and {{event_place}}, but this wave has no event",
    );
    await wave({ templateKey: 'transit' }).expect(201);
  });

  it('refuses the preview when a template of the wave came to need an event after it was made', async () => {
    const texts = (text: string) => ({
      subject: 'Rally',
      html: `${text} {{opt_out_link}}`,
      text: `${text} {{opt_out_link}}`,
      sms: 'Rally! STOP',
    });
    const template = (text: string) => ({
      key: 'rally',
      name: { de: 'Kundgebung', en: 'Rally' },
      weights: { density_per_km2: 0.1 },
      reasoning: 'A rally is for everyone, wherever they live.',
      content: { de: texts(text), en: texts(text) },
    });
    const strategist = t.as('strategist');
    const made = await t.http().post('/templates').set(strategist).send(template('Come along.'));
    expect(made.body).toMatchObject({ key: 'rally' });
    const created = (await wave({ templateKey: 'rally' }).expect(201)).body;
    const edit = (context?: string) =>
      t
        .http()
        .put('/templates/rally')
        .set(strategist)
        .send({ ...template('See you on {{event_date}}.'), key: undefined, context });
    const refused = await edit().expect(400);
    expect(refused.body.details.problems).toContain(
      'content.de.html: {{event_date}} is known only in an event reminder, and this is a campaign template (context campaign)',
    );
    await t
      .http()
      .get('/templates/rally')
      .set(strategist)
      .expect(200, /"version":1/);
    expect((await edit('event').expect(200)).body).toMatchObject({ context: 'event', version: 2 });
    const preview = await t.http().post(`/waves/${created.id}/preview`).set(t.as('staff'));
    expect(preview.status).toBe(409);
    expect(preview.body.message).toBe("the template 'rally' uses {{event_date}}, but this wave has no event");
    const launch = await t.http().post(`/waves/${created.id}/launch`).set(t.as('staff'));
    expect(launch.status).toBe(409);
  });

  it('shows samples, made up, when nobody would get the wave, and names the placeholders left empty', async () => {
    const created = (
      await wave({ templateKey: 'housing', audience: { languages: ['pl'], regionIds: [] } }).expect(201)
    ).body;
    await t.db.dataSource.query(`DELETE FROM contacts WHERE language = 'pl'`);
    const preview = (await t.http().post(`/waves/${created.id}/preview`).set(t.as('staff')).expect(200)).body;
    expect(preview.final).toBe(0);
    expect(preview.samples).toEqual([
      expect.objectContaining({
        template: 'housing',
        language: 'en',
        madeUp: true,
        emptyPlaceholders: ['region_name'],
      }),
    ]);
    expect(preview.samples[0].subject).toBe('Rent is eating wages – not in ');
    expect(preview.warnings).toEqual([
      'housing (en): {{region_name}} is empty in this sample (the contact has no region)',
    ]);
  });
});

describe('the default templates of an older library', () => {
  it('get a version without event placeholders when nobody edited them, and their reminders beside them', async () => {
    const db = await createTestDatabase();
    try {
      const templates = db.dataSource.getRepository(IssueTemplate);
      const versions = db.dataSource.getRepository(IssueTemplateVersion);
      const old = (key: string, version: number) => ({
        key,
        name: { de: key, en: key },
        weights: { density_per_km2: 0.3 },
        reasoning: 'as the defaults once were',
        version,
        content: {
          de: {
            subject: 's',
            html: '{{opt_out_link}}',
            text: 'Komm am {{event_date}}: {{event_place}}.',
            sms: 'x',
          },
          en: { subject: 's', html: '{{opt_out_link}}', text: 'Join us on {{event_date}}.', sms: 'x' },
        },
      });
      const housing = await templates.save(old('housing', 1));
      await versions.save({
        templateId: housing.id,
        version: 1,
        snapshot: old('housing', 1),
        createdBy: null,
      });
      const edited = await templates.save(old('transit', 2));
      await ensureDefaultTemplates(db.dataSource.manager);
      const after = await templates.findOneByOrFail({ key: 'housing' });
      expect(after).toMatchObject({ id: housing.id, version: 2 });
      expect(after.content.de.text).not.toContain('{{event');
      expect(await versions.countBy({ templateId: housing.id })).toBe(2);
      expect((await templates.findOneByOrFail({ key: 'transit' })).content).toEqual(edited.content);
      expect(await templates.findOneBy({ key: 'housing-reminder' })).toMatchObject({ version: 1 });
      await ensureDefaultTemplates(db.dataSource.manager);
      expect((await templates.findOneByOrFail({ key: 'housing' })).version).toBe(2);
    } finally {
      await db.drop();
    }
  });
});
