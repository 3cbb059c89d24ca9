import { createTestDatabase, type TestDatabase } from './database.js';
import { FIXTURES, runImport, tempFile } from './imports.js';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';

const HEADER =
  'external_id,first_name,last_name,email,phone,postal_code,region,language,email_consent,sms_consent';

describe('importing contacts', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await runImport(db.dataSource, 'regions', join(FIXTURES, 'strukturdaten-2025-style.csv'));
  });
  afterAll(() => db.drop());

  const count = async (sql: string, params: unknown[] = []) =>
    (await db.dataSource.query(sql, params))[0].n as number;

  it('keeps good rows and reports each bad one with its line, column and reason', async () => {
    const path = await tempFile(
      [
        HEADER,
        'a1,Anna,Schmidt,Anna.Schmidt@Example.org,0151 23456789,24937,001,de,ja,nein',
        'a2,Bert,Meier,not-an-email,,,1,de,1,0',
        'a3,Cem,Yılmaz,cem@example.org,12345,,1,tr,yes,',
        'a4,Dana,Roth,dana@example.org,+4915123456780,,74,EN,x,X',
        'a5,Eva,Kurz,eva@example.org,,,2,de,vielleicht,',
        'a6,Finn,Lang,finn@example.org,,,999999,de,,',
        'a7,Gül,Ak,gul@example.org',
        'a8,Hans,Zu,hans@example.org,,,1,de,0,0,extra',
        'a9,Ida,Neu,anna.schmidt@example.org,,,1,de,1,',
        'a10,Jo,Formel,=HYPERLINK("x"),,,,,,',
        'a11,Kai,Lang,kai@example.org,,,,klingonisch,,',
        `a12,${'L'.repeat(1001)},Long,long@example.org,,,,,,`,
        'a13,Mia,Plus,+mia@example.org,,,,,,',
        ',,,,,,,,,',
      ].join('\n'),
    );
    const job = await runImport(db.dataSource, 'contacts', path);
    expect(job.status).toBe('completed');
    expect(job).toMatchObject({ read: 13, skipped: 1, inserted: 7, updated: 0, unchanged: 0, rejected: 6 });
    expect(job.errors).toEqual([
      { line: 3, column: 'email', reason: 'not a valid email address', value: 'not-an-email' },
      {
        line: 6,
        column: 'email_consent',
        reason: expect.stringMatching(/^not a yes\/no value/),
        value: 'vielleicht',
      },
      { line: 8, reason: 'too few fields: expected 10, found 4' },
      { line: 9, reason: 'too many fields: expected 10, found 11' },
      { line: 10, column: 'email', reason: 'duplicate of line 2 (same email)' },
      { line: 11, column: 'email', reason: 'not a valid email address', value: '=HYPERLINK("x")' },
    ]);
    // Kept, with what was dropped said: the row still reaches the person by email.
    expect(job.warnings).toBe(4);
    expect(job.warningList).toEqual([
      { line: 4, column: 'phone', reason: 'not a valid number in Germany', value: '12345' },
      {
        line: 7,
        column: 'region',
        reason: 'unknown constituency: the contact is kept without a region',
        value: '999999',
      },
      { line: 12, column: 'language', reason: 'not a language code such as de or en', value: 'klingonisch' },
      { line: 13, column: 'first_name', reason: 'longer than 1000 characters' },
    ]);
    const cem = (await db.dataSource.query(`SELECT * FROM contacts WHERE external_id = 'a3'`))[0];
    expect(cem).toMatchObject({ email: 'cem@example.org', phone: null, language: 'tr' });
    const finn = (await db.dataSource.query(`SELECT * FROM contacts WHERE external_id = 'a6'`))[0];
    expect(finn).toMatchObject({ email: 'finn@example.org', region_id: null });
    const anna = (
      await db.dataSource.query(
        `SELECT c.*, r.code FROM contacts c LEFT JOIN regions r ON r.id = c.region_id WHERE external_id = 'a1'`,
      )
    )[0];
    expect(anna).toMatchObject({
      email: 'anna.schmidt@example.org',
      phone: '+4915123456789',
      code: '1',
      language: 'de',
    });
    const dana = (await db.dataSource.query(`SELECT * FROM contacts WHERE external_id = 'a4'`))[0];
    expect(dana).toMatchObject({ language: 'en', phone: '+4915123456780' });
    expect(await count(`SELECT count(*)::int AS n FROM contacts WHERE email = '+mia@example.org'`)).toBe(1);
  });

  it('records imported email consent as requested, never confirmed, with the file and line as evidence', async () => {
    const events = await db.dataSource.query(
      `SELECT c.external_id, e.channel, e.action, e.source, e.import_file, e.import_line, e.purpose
       FROM consent_events e JOIN contacts c ON c.id = e.contact_id ORDER BY c.external_id, e.channel`,
    );
    expect(events).toEqual([
      expect.objectContaining({
        external_id: 'a1',
        channel: 'email',
        action: 'requested',
        source: 'import',
        import_line: 2,
        purpose: 'campaign-news',
      }),
      expect.objectContaining({ external_id: 'a1', channel: 'sms', action: 'withdrawn', import_line: 2 }),
      expect.objectContaining({ external_id: 'a3', channel: 'email', action: 'requested', import_line: 4 }),
      expect.objectContaining({ external_id: 'a4', channel: 'email', action: 'requested', import_line: 5 }),
      expect.objectContaining({ external_id: 'a4', channel: 'sms', action: 'requested' }),
    ]);
    expect(events[0].import_file).toMatch(/upload\.csv$/);
  });
});

describe('contacts files as campaigns really have them', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await runImport(db.dataSource, 'regions', join(FIXTURES, 'strukturdaten-2025-style.csv'));
  });
  afterAll(() => db.drop());

  const GERMAN = [
    'Mitgliedsnummer;Vorname;Nachname;E-Mail;Handy;PLZ;Sprache;Newsletter;SMS-Einwilligung;Einwilligung_am;Bestätigt_am;IP',
    'm1;Jürgen;Müller-Weiß;jm@example.org;0170 1234567;24937;Deutsch;JA;nein;01.02.2025 10:00;01.02.2025 10:05;203.0.113.9',
    'm2;Ölçer;Şahin;os@example.org;;10115;tr;x;;;;',
    'm3;=SUM(A1);-Minus;formula@example.org;;;;;;;;',
  ].join('\r\n');

  it('reads a semicolon file from German Excel in Windows-1252 with German headers', async () => {
    const path = await tempFile(Buffer.from(GERMAN.replace('Ölçer;Şahin', 'Özlem;Schäfer'), 'latin1'));
    const job = await runImport(db.dataSource, 'contacts', path);
    expect(job).toMatchObject({ status: 'completed', read: 3, inserted: 3, rejected: 0 });
    const rows = await db.dataSource.query(
      `SELECT external_id, first_name, last_name, phone, language FROM contacts ORDER BY external_id`,
    );
    expect(rows).toEqual([
      {
        external_id: 'm1',
        first_name: 'Jürgen',
        last_name: 'Müller-Weiß',
        phone: '+491701234567',
        language: 'de',
      },
      { external_id: 'm2', first_name: 'Özlem', last_name: 'Schäfer', phone: null, language: 'tr' },
      { external_id: 'm3', first_name: '=SUM(A1)', last_name: '-Minus', phone: null, language: 'de' },
    ]);
  });

  it('records a documented double opt-in as confirmed with its evidence, and an SMS "nein" as a refusal', async () => {
    const events = await db.dataSource.query(
      `SELECT c.external_id, e.channel, e.action, e.occurred_at, host(e.ip) AS ip FROM consent_events e
       JOIN contacts c ON c.id = e.contact_id ORDER BY c.external_id, e.channel`,
    );
    expect(events).toEqual([
      {
        external_id: 'm1',
        channel: 'email',
        action: 'confirmed',
        occurred_at: new Date('2025-02-01T10:05:00Z'),
        ip: '203.0.113.9',
      },
      {
        external_id: 'm1',
        channel: 'sms',
        action: 'withdrawn',
        occurred_at: expect.any(Date),
        ip: '203.0.113.9',
      },
      { external_id: 'm2', channel: 'email', action: 'requested', occurred_at: expect.any(Date), ip: null },
    ]);
  });

  it('changes nothing when the same file comes again, and says so', async () => {
    const path = await tempFile(Buffer.from(GERMAN.replace('Ölçer;Şahin', 'Özlem;Schäfer'), 'latin1'));
    const job = await runImport(db.dataSource, 'contacts', path);
    expect(job).toMatchObject({
      status: 'completed',
      read: 3,
      inserted: 0,
      updated: 0,
      unchanged: 3,
      rejected: 0,
    });
    const n = await db.dataSource.query(`SELECT count(*)::int AS n FROM consent_events`);
    expect(n[0].n).toBe(3);
  });

  it('updates what changed and records a withdrawal stated in a later file', async () => {
    const path = await tempFile(
      'external_id,email,first_name,email_consent\nm1,jm@example.org,Jürgen,nein\nm2,os@example.org,Özlem,ja\n',
    );
    const job = await runImport(db.dataSource, 'contacts', path);
    expect(job).toMatchObject({ inserted: 0, updated: 1, unchanged: 1 });
    const state = await db.dataSource.query(
      `SELECT s.status FROM consent_current s JOIN contacts c ON c.id = s.contact_id WHERE c.external_id = 'm1' AND s.channel = 'email'`,
    );
    expect(state).toEqual([{ status: 'withdrawn' }]);
  });

  it('finds the region from the postal code table', async () => {
    await runImport(db.dataSource, 'postcodes', await tempFile('plz;wahlkreis\n24937;001\n10115;74\n'));
    const path = await tempFile('email,plz\npc@example.org,10115\n');
    await runImport(db.dataSource, 'contacts', path);
    const rows = await db.dataSource.query(
      `SELECT r.code FROM contacts c JOIN regions r ON r.id = c.region_id WHERE c.email = 'pc@example.org'`,
    );
    expect(rows).toEqual([{ code: '74' }]);
  });

  it.each([
    ['an empty file', '', /the file is empty/],
    ['a file of blank lines', '\n\n\r\n', /the file is empty/],
    ['a binary file', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 1, 2, 3, 0, 0, 0, 0]), /binary/],
    ['an Excel workbook', Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), /Excel workbook/],
    [
      'a file whose first line is no header',
      '1;2\n3;4\n',
      /no header row found: expected an email or phone column/,
    ],
    [
      'a file whose header has no email or phone column',
      'name,city\nA,B\n',
      /^the header \(name, city\) has no email or phone column/,
    ],
  ])('rejects %s whole, with the reason, and writes nothing', async (_name, content, reason) => {
    const before = await db.dataSource.query(`SELECT count(*)::int AS n FROM contacts`);
    const job = await runImport(db.dataSource, 'contacts', await tempFile(content));
    expect(job.status).toBe('rejected');
    expect(job.reason).toMatch(reason);
    const after = await db.dataSource.query(`SELECT count(*)::int AS n FROM contacts`);
    expect(after[0].n).toBe(before[0].n);
  });

  it('rejects a UTF-8 file that turns undecodable after the first 64 KiB, writing none of its rows', async () => {
    const good = Array.from({ length: 3000 }, (_, i) => `late${i}@example.org,Name${i}`).join('\n');
    const content = Buffer.concat([
      Buffer.from(`email,first_name\n${good}\n`),
      Buffer.from([0x62, 0xc3, 0x28, 0x0a]),
    ]);
    const job = await runImport(db.dataSource, 'contacts', await tempFile(content), { encoding: 'utf-8' });
    expect(job.status).toBe('rejected');
    expect(job.reason).toMatch(/not valid utf-8/);
    const after = await db.dataSource.query(
      `SELECT count(*)::int AS n FROM contacts WHERE email LIKE 'late%'`,
    );
    expect(after[0].n).toBe(0);
  });

  it('reads columns named by a mapping', async () => {
    const path = await tempFile('Kennung|Adresse\nk1|mapped@example.org\n'.replace(/\|/g, ','));
    const job = await runImport(db.dataSource, 'contacts', path, {
      mapping: { externalId: 'Kennung', email: 'Adresse' },
    });
    expect(job).toMatchObject({ status: 'completed', inserted: 1 });
  });
});

describe('malformed CSV', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('reports a quote that never closes at its line and keeps the rows before it', async () => {
    const path = await tempFile(
      'email,first_name\nq0@example.org,Zero\nq1@example.org,"Quote\nq2@example.org,Two\n',
    );
    const job = await runImport(db.dataSource, 'contacts', path);
    expect(job).toMatchObject({ status: 'completed', inserted: 1, rejected: 1 });
    expect(job.errors).toEqual([{ line: 3, reason: 'a quoted field is never closed' }]);
  });

  it('counts lines inside quoted fields, so later line numbers stay right', async () => {
    const path = await tempFile('email,first_name\nm1@example.org,"two\nlines"\nbad,Three\n');
    const job = await runImport(db.dataSource, 'contacts', path);
    expect(job.errors).toEqual([
      { line: 4, column: 'email', reason: 'not a valid email address', value: 'bad' },
    ]);
    const rows = await db.dataSource.query(`SELECT first_name FROM contacts WHERE email = 'm1@example.org'`);
    expect(rows).toEqual([{ first_name: 'two\nlines' }]);
  });
});

describe('a very long line', () => {
  let own: TestDatabase;
  beforeAll(async () => {
    own = await createTestDatabase();
    await runImport(own.dataSource, 'regions', join(FIXTURES, 'strukturdaten-2025-style.csv'));
  });
  afterAll(() => own.drop());

  it('a 200 MB line is rejected with its line number while the file streams, and the rows after it are read', async () => {
    const path = await tempFile('');
    const out = createWriteStream(path);
    out.write(`${HEADER}\n` + 'l1,Lea,Lang,lea@example.org,,,1,de,ja,\n');
    out.write('l2,Leo,Lang,leo@example.org,,,1,de,ja,');
    const megabyte = 'x'.repeat(1024 * 1024);
    for (let i = 0; i < 200; i++) if (!out.write(megabyte)) await once(out, 'drain');
    out.write('\nl3,Lia,Lang,lia@example.org,,,1,de,ja,\nl4,Lou,Lang,lou@example.org,,,1,de,ja,\n');
    await new Promise((done) => out.end(done));
    const job = await runImport(own.dataSource, 'contacts', path);
    expect(job).toMatchObject({ status: 'completed', read: 4, inserted: 3, rejected: 1 });
    expect(job.errors).toEqual([{ line: 3, reason: 'the line is longer than 65536 bytes (MAX_LINE_BYTES)' }]);
    const [kept] = await own.dataSource.query(
      `SELECT count(*)::int AS n FROM contacts WHERE email IN ('lia@example.org', 'lou@example.org')`,
    );
    expect(kept.n).toBe(2);
  });
});

describe('contacts files that are only partly good', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await runImport(db.dataSource, 'regions', join(FIXTURES, 'strukturdaten-2025-style.csv'));
    await runImport(db.dataSource, 'postcodes', await tempFile('plz;wahlkreis\n24937;1\n10115;74\n'));
  });
  afterAll(() => db.drop());
  const contact = async (id: string) =>
    (
      await db.dataSource.query(
        `SELECT c.email, c.phone, c.phone_landline, c.postal_code, r.code AS region,
           (SELECT string_agg(e.channel || ':' || e.action, ',' ORDER BY e.channel) FROM consent_events e
            WHERE e.contact_id = c.id) AS consent
         FROM contacts c LEFT JOIN regions r ON r.id = c.region_id WHERE c.external_id = $1`,
        [id],
      )
    )[0];

  it('keeps a German Excel row whose phone is bad, says what was dropped, and skips empty lines', async () => {
    const file = [
      'Mitgliedsnummer;E-Mail;Handy;PLZ;Newsletter;SMS-Erinnerung;Keine Post',
      'g1;g1@example.org;01523456789;24937;ja;ja;',
      'g2;g2@example.org;+44 7700 900123;10115;ja;;nein',
      'g3;g3@example.org;030 1234567;99999;;ja;',
      ';;;;;;',
      '',
      'g4;kaputt;0151 23456789;10115;ja;ja;',
      'g5;g5@example.org;;;ja;;ja',
    ].join('\r\n');
    const mapping = { sms_consent: 'SMS-Erinnerung', email_opt_out: 'Keine Post' };
    const job = await runImport(db.dataSource, 'contacts', await tempFile(Buffer.from(file, 'latin1')), {
      mapping,
    });
    expect(job).toMatchObject({
      status: 'completed',
      read: 5,
      skipped: 2,
      inserted: 5,
      rejected: 0,
      warnings: 4,
    });
    expect(job.report.skippedLines).toEqual([5, 6]);
    expect(job.warningList).toEqual([
      {
        line: 2,
        column: 'Handy',
        reason: 'not a valid number in Germany; the SMS consent is dropped with it',
        value: '01523456789',
      },
      {
        line: 3,
        column: 'Handy',
        reason: 'not a valid number in the United Kingdom',
        value: '+44 7700 900123',
      },
      {
        line: 4,
        column: 'Handy',
        reason: 'a landline: kept, but not used for SMS; the SMS consent is dropped with it',
      },
      {
        line: 4,
        column: 'PLZ',
        reason: 'postal code not in the postcode table: the contact is kept without a region',
        value: '99999',
      },
      {
        line: 7,
        column: 'E-Mail',
        reason: 'not a valid email address; the email consent is dropped with it',
        value: 'kaputt',
      },
    ]);
    expect(await contact('g1')).toMatchObject({ phone: null, region: '1', consent: 'email:requested' });
    expect(await contact('g2')).toMatchObject({ phone: null, region: '74', consent: 'email:requested' });
    expect(await contact('g3')).toMatchObject({ phone: '+49301234567', phone_landline: true, region: null });
    expect((await contact('g3')).consent).toBeNull();
    expect(await contact('g4')).toMatchObject({
      email: null,
      phone: '+4915123456789',
      consent: 'sms:requested',
    });
    // The opt-out column's "ja" withdraws, whatever the consent column says; its "nein" changes nothing.
    expect(await contact('g5')).toMatchObject({ consent: 'email:withdrawn' });
  });

  it('reads CiviCRM exports: its yes/no spellings, "External Identifier" and its opt-out columns', async () => {
    const file = [
      '"Contact ID","External Identifier","Email","Phone","Do Not Email","Do Not SMS","Opt Out"',
      '"1","c1","c1@example.org","","0","0","No"',
      '"2","c2","c2@example.org","0170 1234567","1","FALSE","No"',
      '"3","c3","c3@example.org","0170 1234568","FALSE","TRUE","Yes"',
      '"4","c4","c4@example.org","","NO","no",""',
      '"5","c5","c5@example.org","","YES","yes","No"',
    ].join('\n');
    const job = await runImport(db.dataSource, 'contacts', await tempFile(file));
    expect(job).toMatchObject({ status: 'completed', inserted: 5, rejected: 0, warnings: 0 });
    expect((await contact('c1')).consent).toBeNull();
    expect((await contact('c2')).consent).toBe('email:withdrawn');
    expect((await contact('c3')).consent).toBe('email:withdrawn,sms:withdrawn');
    expect((await contact('c4')).consent).toBeNull();
    // A refusal is kept even without a number: it still holds if one is added later.
    expect((await contact('c5')).consent).toBe('email:withdrawn,sms:withdrawn');
  });
});

describe('contacts imports that say what they ignored and refuse to invert consent', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());
  const stored = async () => (await db.dataSource.query(`SELECT count(*)::int AS n FROM contacts`))[0].n;
  const attributesOf = async (email: string) =>
    (await db.dataSource.query(`SELECT attributes FROM contacts WHERE email = $1`, [email]))[0].attributes;

  it.each([
    ['emailConsent', 'Do Not Email'],
    ['email_consent', 'no_newsletter'],
    ['sms_consent', 'Do Not SMS'],
    ['email_consent', 'Opt Out'],
    ['email_consent', 'kein Newsletter'],
    ['sms_consent', 'Widerspruch SMS'],
    ['email_consent', 'Abmeldung'],
  ])(
    'refuses a mapping of %s to the opt-out column "%s", pointing to the opt-out keys',
    async (key, column) => {
      const before = await stored();
      const file = await tempFile(`email,${column}\nx@example.org,1\n`);
      const job = await runImport(db.dataSource, 'contacts', file, { mapping: { [key]: column } });
      expect(job.status).toBe('rejected');
      expect(job.reason).toContain(`the mapping names the column "${column}" for "${key}"`);
      expect(job.reason).toMatch(/reads as an opt-out.*email_opt_out, sms_opt_out or opt_out/);
      expect(await stored()).toBe(before);
    },
  );

  it('names every column it did not read in the job, flagging those about consent', async () => {
    const file = await tempFile(
      'E-Mail;Vorname;SMS-Erinnerung;Lieblingsfarbe;Datenschutz-Einwilligung\nu1@example.org;Ute;ja;blau;ja\n',
    );
    const job = await runImport(db.dataSource, 'contacts', file);
    expect(job).toMatchObject({ status: 'completed', inserted: 1 });
    expect(job.report.ignoredColumns).toEqual([
      {
        column: 'SMS-Erinnerung',
        reason: expect.stringMatching(/^no mapping for it; its name reads like consent/),
        consentLike: true,
      },
      { column: 'Lieblingsfarbe', reason: 'no mapping for it' },
      {
        column: 'Datenschutz-Einwilligung',
        reason: expect.stringMatching(/^no mapping for it; its name reads like consent/),
        consentLike: true,
      },
    ]);
    const events = await db.dataSource.query(`SELECT count(*)::int AS n FROM consent_events`);
    expect(events[0].n).toBe(0);
  });

  it("reads attr_ values as numbers in the file's convention when every value of the column is one", async () => {
    const semicolon = await tempFile(
      [
        'email;attr_rent_share;attr_home_plz;attr_children;attr_mood;attr_income',
        'd1@example.org;3,5;01067;2;3,5;1.250,75',
        'd2@example.org;12;10115;0;gut;2.100',
        'd3@example.org;;;1;;980,5',
      ].join('\r\n'),
    );
    expect(await runImport(db.dataSource, 'contacts', semicolon)).toMatchObject({ inserted: 3, rejected: 0 });
    expect(await attributesOf('d1@example.org')).toEqual({
      rent_share: 3.5,
      home_plz: '01067',
      children: 2,
      mood: '3,5',
      income: 1250.75,
    });
    expect(await attributesOf('d2@example.org')).toEqual({
      rent_share: 12,
      home_plz: '10115',
      children: 0,
      mood: 'gut',
      income: 2100,
    });
    expect(await attributesOf('d3@example.org')).toEqual({ children: 1, income: 980.5 });

    const comma = await tempFile(
      'email,attr_rent_share,attr_code\ne1@example.org,3.5,007\ne2@example.org,"1,250.5",12\n',
    );
    expect(await runImport(db.dataSource, 'contacts', comma)).toMatchObject({ inserted: 2 });
    expect(await attributesOf('e1@example.org')).toEqual({ rent_share: 3.5, code: '007' });
    expect(await attributesOf('e2@example.org')).toEqual({ rent_share: 1250.5, code: '12' });
  });

  it('leaves the columns a mapping lists under ignore unread, and says so', async () => {
    const file = await tempFile('Mail,Name,attr_secret,Notiz\ni1@example.org,Ida,42,call back\n');
    const job = await runImport(db.dataSource, 'contacts', file, {
      mapping: { email: 'Mail', ignore: ['Name', 'attr_secret'] },
    });
    expect(job).toMatchObject({ status: 'completed', inserted: 1 });
    const [row] = await db.dataSource.query(
      `SELECT last_name, attributes FROM contacts WHERE email = 'i1@example.org'`,
    );
    expect(row).toEqual({ last_name: null, attributes: {} });
    expect(job.report.ignoredColumns).toEqual([
      { column: 'Name', reason: "the mapping's ignore list names it" },
      { column: 'attr_secret', reason: "the mapping's ignore list names it" },
      { column: 'Notiz', reason: 'no mapping for it' },
    ]);

    const missing = await runImport(db.dataSource, 'contacts', file, {
      mapping: { email: 'Mail', ignore: ['Telefax'] },
    });
    expect(missing.status).toBe('rejected');
    expect(missing.reason).toMatch(/"ignore" names the column "Telefax", which the file does not have/);
  });

  it('refuses a CiviCRM-style contacts file without an email or phone column, naming its header', async () => {
    const file = await tempFile(
      '"Contact Type","First Name","Last Name","Birth Date","Street Address","City"\n' +
        '"Individual","Mara","Beispiel","1980-01-02","Musterweg 1","Musterstadt"\n',
    );
    const job = await runImport(db.dataSource, 'contacts', file);
    expect(job.status).toBe('rejected');
    expect(job.reason).toBe(
      'the header (Contact Type, First Name, Last Name, Birth Date, Street Address, City) has no email or phone ' +
        'column, and a contacts file needs one to reach anybody: add one, or name it in a mapping ' +
        '({"email": "…"} or {"phone": "…"})',
    );
  });
});
