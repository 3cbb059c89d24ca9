import { join } from 'node:path';
import { PREVIEW_BYTES } from '../src/imports/import-preview.js';
import { startTestApp, type TestApp } from './app.js';
import { tempFile } from './imports.js';
import { SAMPLES } from './waves.js';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

interface RowError {
  line: number;
  column?: string;
  reason: string;
  value?: string;
}
interface Job {
  id: string;
  status: string;
  errors: RowError[];
  warningList: RowError[];
}
interface Preview {
  header: string[];
  mapping: Record<string, string>;
  rows: {
    line: number;
    cells: Record<string, string>;
    errors: RowError[];
    warnings: RowError[];
    contact?: unknown;
  }[];
  more: boolean;
  consentColumns?: { column: string; field: string; channel: string | null; meaning: string }[];
}

/** A CiviCRM export as campaigns have them: opt-out columns, Yes/No and 0/1, a column nobody asked for. */
const CIVICRM = [
  '"Contact ID","External Identifier","First Name","Last Name","Email","Phone","Postal Code","Newsletter","Do Not Email","Do Not SMS","No Bulk Emails (User Opt Out)","Do Not Phone"',
  '"101","ext-1","Hanna","Vogel","hanna.vogel@example.org","0151 23456701","24937","1","0","0","0","0"',
  '"102","ext-2","Ingo","Wolf","ingo.wolf@example.org","","10115","1","1","","",""',
  '"103","ext-3","Jan","Kraus","jan.kraus@example.org","12345","","","","","Yes",""',
  '"104","ext-4","Kim","Lenz","not-an-email","","","1","","","",""',
  '"105","ext-5","Lea","Marx","lea.marx@example.org","","","1","vielleicht","","",""',
  '"106","ext-6","Mats","Nagel","mats.nagel@example.org","030 1234567","","","","No","",""',
  '"107","ext-7","Nora","Otto","nora.otto@example.org","+4915123456702","","TRUE","FALSE","FALSE","FALSE",""',
  '"108","ext-8","Ole","Pohl","ole.pohl@example.org","","","1","","","","","extra"',
].join('\r\n');

describe('contacts for the web app: search, one contact in full, and import previews', () => {
  let t: TestApp;
  let sampleJob: Job;
  let oliver: string;

  beforeAll(async () => {
    t = await startTestApp({ DISPATCH_IN_API: 'false', FREQUENCY_CAP: 'off' });
    await t
      .http()
      .post('/imports')
      .set(t.as('strategist'))
      .field('kind', 'regions')
      .attach('file', join(SAMPLES, 'regions.csv'))
      .expect(202);
    await t.imports.idle();
    sampleJob = await importFile('contacts', join(SAMPLES, 'contacts.csv'));
    expect(sampleJob.status).toBe('completed');
    oliver = (await search('oliver.jones.3@'))[0].id;
  });
  afterAll(() => t.close());

  async function importFile(kind: string, path: string, fields: Record<string, string> = {}, name?: string) {
    const req = t.http().post('/imports').set(t.as('staff')).field('kind', kind);
    for (const [k, v] of Object.entries(fields)) void req.field(k, v);
    const started = await req.attach('file', path, name).expect(202);
    await t.imports.idle();
    return (await t.http().get(`/imports/${started.body.id}`).set(t.as('staff')).expect(200)).body as Job;
  }

  async function preview(
    path: string,
    fields: Record<string, string> = { kind: 'contacts' },
    role = t.tokens.staff,
  ) {
    const req = t.http().post('/imports/preview').set(bearer(role));
    for (const [k, v] of Object.entries(fields)) void req.field(k, v);
    return req.attach('file', path);
  }

  async function search(q: string) {
    const res = await t
      .http()
      .get(`/contacts?q=${encodeURIComponent(q)}&perPage=500`)
      .set(t.as('staff'))
      .expect(200);
    return res.body.items as {
      id: string;
      externalId: string;
      firstName: string;
      lastName: string;
      email: string | null;
      phone: string | null;
      postalCode: string | null;
    }[];
  }

  describe('searching contacts', () => {
    it('finds by name, anywhere in it and in any order, whatever the case', async () => {
      const found = await search('SHEVCH');
      expect(found.map((c) => c.externalId)).toContain('c9');
      expect(found.every((c) => `${c.firstName} ${c.lastName}`.toLowerCase().includes('shevch'))).toBe(true);
      const lena = await search('meyer lena');
      expect(lena.map((c) => c.externalId)).toContain('c7');
      expect(lena.every((c) => /meyer/i.test(c.lastName) && /lena/i.test(c.firstName))).toBe(true);
    });

    it('finds by the start of the email address', async () => {
      const found = await search('Oliver.Jones.3@MAIL');
      expect(found.map((c) => c.externalId)).toEqual(['c3']);
    });

    it('finds a phone number however it is written', async () => {
      for (const q of ['0177 45413601', '+49 177 454 136 01', '0049-177-45413601'])
        expect((await search(q)).map((c) => c.externalId)).toEqual(['c3']);
    });

    it('finds by postal code, and narrows with the other filters', async () => {
      const found = await search('16450');
      expect(found.map((c) => c.externalId)).toContain('c3');
      expect(found.every((c) => c.postalCode?.startsWith('16450'))).toBe(true);
      const page = await t.http().get('/contacts?q=16450&language=de').set(t.as('staff')).expect(200);
      expect(page.body.items.map((c: { externalId: string }) => c.externalId)).not.toContain('c3');
    });

    it('needs a word of three characters, and is not for strategists', async () => {
      await t.http().get('/contacts?q=ab').set(t.as('staff')).expect(422);
      await t.http().get('/contacts?q=meyer').set(t.as('strategist')).expect(403);
    });
  });

  describe('one contact in full', () => {
    it('shows the contact, its region and segment, its consent with the evidence of each event, and its messages', async () => {
      const run = await t
        .http()
        .post('/segmentations')
        .set(t.as('strategist'))
        .send({ k: '3', seed: 1 })
        .expect(201);
      const wave = await t
        .http()
        .post('/waves')
        .set(t.as('staff'))
        .send({
          name: 'Herbstwelle',
          channel: 'email',
          purpose: 'campaign-news',
          audience: {},
          templateStrategy: 'fixed',
          templateKey: 'peace',
        })
        .expect(201);
      await t.http().post(`/waves/${wave.body.id}/launch`).set(t.as('staff')).expect(200);
      await t
        .http()
        .post(`/contacts/${oliver}/messages`)
        .set(t.as('staff'))
        .send({ channel: 'sms', purpose: 'campaign-news', template: 'peace' })
        .expect(201);

      const res = await t.http().get(`/contacts/${oliver}`).set(t.as('staff')).expect(200);
      const contact = res.body;
      expect(contact).toMatchObject({
        id: oliver,
        externalId: 'c3',
        firstName: 'Oliver',
        lastName: 'Jones',
        email: 'oliver.jones.3@mail.example',
        phone: '+4917745413601',
        phoneLandline: false,
        postalCode: '16450',
        language: 'en',
        region: { code: '17', name: expect.any(String), set: expect.stringMatching(/^constituency\//) },
      });
      const segment = run.body.segments.find((s: { id: string }) => s.id === contact.segment.segmentId);
      expect(contact.segment).toMatchObject({
        runId: run.body.id,
        index: segment.index,
        label: segment.label,
      });

      expect(contact.consent.states).toEqual(
        expect.arrayContaining([
          { channel: 'email', purpose: 'campaign-news', status: 'confirmed' },
          { channel: 'sms', purpose: 'campaign-news', status: 'confirmed' },
          { channel: 'email', purpose: 'event-reminders', status: 'none' },
        ]),
      );
      const email = contact.consent.events.find((e: { channel: string }) => e.channel === 'email');
      expect(email).toMatchObject({
        action: 'confirmed',
        source: 'import',
        occurredAt: '2024-08-19T03:08:46.333Z',
        ip: '198.51.100.83',
        textVersion: 'v1',
        importJobId: sampleJob.id,
        importFile: 'contacts.csv',
        importLine: 4,
        description: 'Email, campaign-news: confirmed by import',
      });
      const history = await t.http().get(`/contacts/${oliver}/consent`).set(t.as('staff')).expect(200);
      expect(contact.consent).toEqual(history.body);

      expect(contact.messages.total).toBe(2);
      expect(contact.messages.items).toEqual([
        expect.objectContaining({
          wave: null,
          kind: 'campaign',
          channel: 'sms',
          templateKey: 'peace',
          status: 'queued',
        }),
        expect.objectContaining({
          wave: { id: wave.body.id, name: 'Herbstwelle' },
          channel: 'email',
          purpose: 'campaign-news',
          status: 'queued',
          sentAt: null,
        }),
      ]);
    });

    it('is for staff and admins only, and says when there is no such contact', async () => {
      await t.http().get(`/contacts/${oliver}`).set(t.as('admin')).expect(200);
      await t.http().get(`/contacts/${oliver}`).set(t.as('strategist')).expect(403);
      await t.http().get(`/contacts/${oliver}`).expect(401);
      await t.http().get('/contacts/5d0f8f2e-7f55-4d8e-9a61-0d7f3f3e6b11').set(t.as('staff')).expect(404);
      await t.http().get('/contacts/c3').set(t.as('staff')).expect(400);
    });
  });

  describe('previewing an import', () => {
    /** The preview's problems must be the import's, line for line, for the lines it shows. */
    function expectSameProblems(shown: Preview, job: Job) {
      const lines = new Set(shown.rows.map((r) => r.line));
      const within = (list: RowError[]) => list.filter((e) => lines.has(e.line));
      expect(shown.rows.flatMap((r) => r.errors)).toEqual(within(job.errors));
      expect(shown.rows.flatMap((r) => r.warnings)).toEqual(within(job.warningList));
    }

    it('reads data-samples/contacts.csv as the import did: its header, mapping, first 20 rows and their problems', async () => {
      const before = await t.db.dataSource.query(`SELECT count(*)::int AS n FROM import_jobs`);
      const res = await preview(join(SAMPLES, 'contacts.csv'));
      expect(res.status).toBe(200);
      const shown = res.body as Preview & Record<string, unknown>;
      expect(shown).toMatchObject({
        kind: 'contacts',
        fileName: 'contacts.csv',
        encoding: 'utf-8',
        delimiter: ',',
        mappingName: null,
        purpose: 'campaign-news',
        more: true,
        ignoredColumns: [],
      });
      expect(shown.header[0]).toBe('external_id');
      expect(shown.mapping).toMatchObject({ email: 'email', phone: 'phone', email_consent: 'email_consent' });
      expect(shown.rows.map((r) => r.line)).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
      expect(shown.rows[2]).toMatchObject({
        line: 4,
        cells: { external_id: 'c3', email: 'oliver.jones.3@mail.example', consent_ip: '198.51.100.83' },
        contact: {
          externalId: 'c3',
          email: 'oliver.jones.3@mail.example',
          phone: '+4917745413601',
          regionCode: '17',
          emailConsent: true,
          smsConsent: true,
          emailConfirmedAt: '2024-08-19T03:08:46.333Z',
          consentIp: '198.51.100.83',
        },
      });
      expect(shown.consentColumns).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            column: 'email_consent',
            field: 'email_consent',
            channel: 'email',
            meaning: 'consent',
          }),
          expect.objectContaining({
            column: 'sms_consent',
            field: 'sms_consent',
            channel: 'sms',
            meaning: 'consent',
          }),
          expect.objectContaining({ column: 'consent_ip', field: 'consent_ip', meaning: 'evidence' }),
        ]),
      );
      expectSameProblems(shown, sampleJob);
      const after = await t.db.dataSource.query(`SELECT count(*)::int AS n FROM import_jobs`);
      expect(after[0].n).toBe(before[0].n);
    });

    it('makes a CiviCRM export’s opt-out columns explicit and finds the problems the import finds', async () => {
      const path = await tempFile(CIVICRM, 'civicrm.csv');
      const res = await preview(path);
      expect(res.status).toBe(200);
      const shown = res.body as Preview & { ignoredColumns: string[] };
      expect(shown.consentColumns).toEqual([
        expect.objectContaining({
          column: 'Newsletter',
          field: 'email_consent',
          channel: 'email',
          meaning: 'consent',
        }),
        expect.objectContaining({
          column: 'Do Not Email',
          field: 'email_opt_out',
          channel: 'email',
          meaning: 'opt-out',
        }),
        expect.objectContaining({
          column: 'Do Not SMS',
          field: 'sms_opt_out',
          channel: 'sms',
          meaning: 'opt-out',
        }),
        expect.objectContaining({
          column: 'No Bulk Emails (User Opt Out)',
          field: 'opt_out',
          channel: 'email',
          meaning: 'opt-out',
        }),
      ]);
      expect(shown.mapping).toMatchObject({
        external_id: 'External Identifier',
        email: 'Email',
        postal_code: 'Postal Code',
      });
      expect(shown.ignoredColumns).toEqual(['Contact ID', 'Do Not Phone']);
      expect(shown.more).toBe(false);
      const byLine = new Map(shown.rows.map((r) => [r.line, r]));
      expect(byLine.get(2)!.contact).toMatchObject({ emailConsent: true, phone: '+4915123456701' });
      expect(byLine.get(3)!.contact).toMatchObject({ emailConsent: false });
      expect(byLine.get(4)!.contact).toMatchObject({ emailConsent: false, phone: null });
      expect(byLine.get(5)!.contact).toBeNull();
      expect(byLine.get(6)!.errors).toEqual([
        {
          line: 6,
          column: 'Do Not Email',
          reason: expect.stringMatching(/not a yes\/no value/),
          value: 'vielleicht',
        },
      ]);
      expect(byLine.get(7)!.warnings).toEqual([
        { line: 7, column: 'Phone', reason: 'a landline: kept, but not used for SMS' },
      ]);
      expect(byLine.get(9)!.errors).toEqual([{ line: 9, reason: 'too many fields: expected 12, found 13' }]);

      const job = await importFile('contacts', path);
      expect(job.errors.length).toBe(3);
      expect(job.warningList.length).toBe(2);
      expectSameProblems(shown, job);
      const events = await t.db.dataSource.query(
        `SELECT c.external_id, e.action FROM consent_events e JOIN contacts c ON c.id = e.contact_id
         WHERE c.external_id LIKE 'ext-%' AND e.channel = 'email' ORDER BY c.external_id`,
      );
      expect(events).toEqual([
        { external_id: 'ext-1', action: 'requested' },
        { external_id: 'ext-2', action: 'withdrawn' },
        { external_id: 'ext-3', action: 'withdrawn' },
        { external_id: 'ext-7', action: 'requested' },
      ]);
    });

    it('reads only the beginning of a large upload', async () => {
      const rows = Array.from({ length: 250_000 }, (_, i) => `big${i}@example.org,Name${i},ja`);
      const text = `email,first_name,newsletter\n${rows.join('\n')}\n`;
      expect(text.length).toBeGreaterThan(2 * PREVIEW_BYTES);
      const path = await tempFile(text, 'big.csv');
      const started = Date.now();
      const res = await preview(path);
      expect(res.status).toBe(200);
      expect(res.body.rows).toHaveLength(20);
      expect(res.body.rows[19].cells).toEqual({
        email: 'big19@example.org',
        first_name: 'Name19',
        newsletter: 'ja',
      });
      expect(res.body.more).toBe(true);
      expect(Date.now() - started).toBeLessThan(10_000);
    });

    it('refuses what the import refuses, and by the same roles', async () => {
      const unfit = await preview(await tempFile('E-Mail;Telefon\na@example.org;\n'), {
        kind: 'contacts',
        mapping: '{"email":"Mail"}',
      });
      expect(unfit.status).toBe(400);
      expect(unfit.body.message).toMatch(/^The import would reject this file: the mapping does not fit/);
      const empty = await preview(await tempFile(''));
      expect(empty.body.message).toMatch(/the file is empty/);
      const contacts = join(SAMPLES, 'contacts.csv');
      expect((await preview(contacts, { kind: 'contacts' }, t.tokens.strategist)).status).toBe(403);
      expect((await preview(join(SAMPLES, 'postcodes.csv'), { kind: 'postcodes' })).status).toBe(403);
      const postcodes = await preview(
        join(SAMPLES, 'postcodes.csv'),
        { kind: 'postcodes' },
        t.tokens.strategist,
      );
      expect(postcodes.body).toMatchObject({
        delimiter: ';',
        mapping: { postcode: 'plz', region: 'wahlkreis' },
      });
      expect(postcodes.body).not.toHaveProperty('consentColumns');
      const geometry = await preview(
        join(SAMPLES, 'geometry.geojson'),
        { kind: 'geometry' },
        t.tokens.strategist,
      );
      expect(geometry.status).toBe(400);
    });
  });

  describe('saved mappings', () => {
    const FILE =
      'Mail-Adresse;Vorname;Keine Post\nmapped.one@example.org;Uta;nein\nmapped.two@example.org;Veit;ja\n';

    it('are checked by the import’s rules when saved, and by role', async () => {
      const unknown = await t
        .http()
        .put('/import-mappings/bad')
        .set(t.as('staff'))
        .send({ kind: 'contacts', mapping: { shoe_size: 'Größe' } })
        .expect(422);
      expect(unknown.body.message).toMatch(/unknown key "shoe_size".*Valid keys: external_id/);
      const twice = await t
        .http()
        .put('/import-mappings/bad')
        .set(t.as('staff'))
        .send({ kind: 'contacts', mapping: { email: 'Mail', phone: 'mail' } })
        .expect(422);
      expect(twice.body.message).toMatch(/both name the column "mail"/);
      await t
        .http()
        .put('/import-mappings/bad')
        .set(t.as('staff'))
        .send({ kind: 'results', mapping: {} })
        .expect(422);
      await t
        .http()
        .put('/import-mappings/crm')
        .set(t.as('strategist'))
        .send({ kind: 'contacts', mapping: { email: 'Mail-Adresse' } })
        .expect(403);
      await t
        .http()
        .put('/import-mappings/no%20spaces')
        .set(t.as('staff'))
        .send({ kind: 'contacts', mapping: {} })
        .expect(400);
    });

    it('are used by name for a preview and an import, and kept from strategists when they are for contacts', async () => {
      const saved = await t
        .http()
        .put('/import-mappings/crm-weekly')
        .set(t.as('staff'))
        .send({ kind: 'contacts', mapping: { email: 'Mail-Adresse', emailOptOut: 'Keine Post' } })
        .expect(200);
      expect(saved.body).toMatchObject({
        name: 'crm-weekly',
        kind: 'contacts',
        mapping: { email: 'Mail-Adresse', emailOptOut: 'Keine Post' },
        createdBy: { name: 'staff' },
      });
      await t
        .http()
        .put('/import-mappings/plz-table')
        .set(t.as('strategist'))
        .send({ kind: 'postcodes', mapping: { postcode: 'PLZ', region: 'WKR' } })
        .expect(200);
      const forStaff = await t.http().get('/import-mappings').set(t.as('staff')).expect(200);
      expect(forStaff.body.map((m: { name: string }) => m.name)).toEqual(['crm-weekly', 'plz-table']);
      const forStrategist = await t.http().get('/import-mappings').set(t.as('strategist')).expect(200);
      expect(forStrategist.body.map((m: { name: string }) => m.name)).toEqual(['plz-table']);

      const path = await tempFile(FILE, 'crm.csv');
      const shown = await preview(path, { kind: 'contacts', mappingName: 'crm-weekly' });
      expect(shown.status).toBe(200);
      expect(shown.body).toMatchObject({
        mappingName: 'crm-weekly',
        mapping: { email: 'Mail-Adresse', first_name: 'Vorname', email_opt_out: 'Keine Post' },
        consentColumns: [
          expect.objectContaining({ column: 'Keine Post', field: 'email_opt_out', meaning: 'opt-out' }),
        ],
      });
      expect(
        shown.body.rows.map((r: { contact: { emailConsent: boolean | null } }) => r.contact.emailConsent),
      ).toEqual([null, false]);
      const wrongKind = await preview(
        path,
        { kind: 'postcodes', mappingName: 'crm-weekly' },
        t.tokens.strategist,
      );
      expect(wrongKind.status).toBe(400);
      const both = await preview(path, {
        kind: 'contacts',
        mappingName: 'crm-weekly',
        mapping: '{"email":"x"}',
      });
      expect(both.status).toBe(422);
      expect((await preview(path, { kind: 'contacts', mappingName: 'nope' })).status).toBe(400);

      const job = await importFile('contacts', path, { mappingName: 'crm-weekly' });
      expect(job).toMatchObject({ status: 'completed', errors: [] });
      const withdrawn = await t.db.dataSource.query(
        `SELECT c.email, e.action FROM consent_events e JOIN contacts c ON c.id = e.contact_id
         WHERE c.email LIKE 'mapped.%'`,
      );
      expect(withdrawn).toEqual([{ email: 'mapped.two@example.org', action: 'withdrawn' }]);
      const started = await t.http().get(`/audit?action=import.start&entityId=${job.id}`).set(t.as('admin'));
      expect(started.body.items[0].details).toMatchObject({ kind: 'contacts', mappingName: 'crm-weekly' });

      await t.http().delete('/import-mappings/crm-weekly').set(t.as('strategist')).expect(403);
      await t.http().delete('/import-mappings/crm-weekly').set(t.as('staff')).expect(204);
      await t.http().delete('/import-mappings/crm-weekly').set(t.as('staff')).expect(404);
    });
  });
});
