import { AttributeTypes, parseContactRow, parseFlag, parseTimestamp } from './contact-row.js';
import { contactColumns, readsAsOptOut, unreadColumns } from './contact-columns.js';
import { normaliseEmail, normaliseLanguage, normalisePhone, parsePhone } from './addresses.js';

describe('parseFlag', () => {
  it.each(['1', 'true', 'TRUE', 'yes', 'Ja', 'JA', 'x', 'X', ' j '])('%j means yes', (raw) =>
    expect(parseFlag(raw)).toBe(true),
  );
  it.each(['0', 'false', 'No', 'nein', 'NEIN', 'n'])('%j means no', (raw) =>
    expect(parseFlag(raw)).toBe(false),
  );
  it.each(['', '  '])('%j means not stated', (raw) => expect(parseFlag(raw)).toBeNull());
  it.each(['vielleicht', '2', 'ok'])('%j is refused', (raw) =>
    expect(() => parseFlag(raw)).toThrow(/not a yes\/no value/),
  );
});

describe('normaliseEmail', () => {
  it.each([
    [' Anna.Schmidt@Example.ORG ', 'anna.schmidt@example.org'],
    ['a+tag@sub.example.co.uk', 'a+tag@sub.example.co.uk'],
  ])('%j → %j', (raw, email) => expect(normaliseEmail(raw)).toBe(email));
  it.each([
    'plain',
    'a@b',
    'a@@example.org',
    'a b@example.org',
    'a..b@example.org',
    '@example.org',
    `${'x'.repeat(65)}@example.org`,
  ])('refuses %j', (raw) => expect(() => normaliseEmail(raw)).toThrow(/not a valid email address/));
});

describe('normalisePhone', () => {
  it.each([
    ['0151 23456789', '+4915123456789'],
    ['+49 (0)30 1234567', '+49301234567'],
    ['0049 170 1234567', '+491701234567'],
    ['+43 664 1234567', '+436641234567'],
  ])('%j → %j', (raw, e164) => expect(normalisePhone(raw, 'DE')).toBe(e164));
  it.each([
    ['01523456789', 'not a valid number in Germany'],
    ['+44 7700 900123', 'not a valid number in the United Kingdom'],
    ['+49 1', 'too short for Germany'],
    ['+49 151 2345678901234', 'too long for Germany'],
    ['+1 202 555', 'too short for the United States'],
    ['abc', 'not a phone number'],
  ])('refuses %j: %s', (raw, reason) => expect(() => normalisePhone(raw, 'DE')).toThrow(reason));

  it('knows a landline from a mobile number', () => {
    expect(parsePhone('030 1234567', 'DE')).toEqual({ e164: '+49301234567', landline: true });
    expect(parsePhone('0151 23456789', 'DE')).toEqual({ e164: '+4915123456789', landline: false });
  });
});

describe('normaliseLanguage', () => {
  it.each([
    ['DE', 'de'],
    ['en-GB', 'en'],
    ['Türkçe', 'tr'],
    ['Deutsch', 'de'],
  ])('%j → %j', (raw, code) => expect(normaliseLanguage(raw)).toBe(code));
});

describe('parseTimestamp', () => {
  it.each([
    ['2025-02-01T10:05:00Z', '2025-02-01T10:05:00.000Z'],
    ['2025-02-01T11:05:00+01:00', '2025-02-01T10:05:00.000Z'],
    ['2025-02-01 10:05', '2025-02-01T10:05:00.000Z'],
    ['01.02.2025 10:05', '2025-02-01T10:05:00.000Z'],
    ['1.2.2025', '2025-02-01T00:00:00.000Z'],
  ])('%j → %s', (raw, iso) => expect(parseTimestamp(raw).toISOString()).toBe(iso));
  it.each(['31.02.2025', 'yesterday', '2999-01-01'])('refuses %j', (raw) =>
    expect(() => parseTimestamp(raw)).toThrow(),
  );
});

describe('contact columns and rows', () => {
  const header = ['Vorname', 'E-Mail', 'Handy', 'Newsletter', 'attr_age_group', 'Lieblingsfarbe'];

  it('maps German headers, keeps attr_ columns and ignores the rest', () => {
    const columns = contactColumns(header);
    expect(columns.fields).toMatchObject({ firstName: 0, email: 1, phone: 2, emailConsent: 3 });
    expect(columns.attributes).toEqual([{ index: 4, key: 'age_group' }]);
    expect(columns.ignored).toEqual(['Lieblingsfarbe']);
  });

  it('lets a mapping name any column', () => {
    expect(contactColumns(['Mail-Adresse'], { email: 'Mail-Adresse' }).fields).toEqual({ email: 0 });
  });

  it('lists every bad field of a row at once', () => {
    const ctx = { header, columns: contactColumns(header), country: 'DE' as const };
    const { row, errors } = parseContactRow(['Anna', 'kaputt', '123', 'vielleicht', '30-39', 'blau'], ctx);
    expect(row).toBeUndefined();
    expect(errors.map((e) => e.column)).toEqual(['Newsletter', 'E-Mail', 'Handy']);
  });

  it('keeps the row but not a consent for a channel it has no address for', () => {
    const ctx = { header, columns: contactColumns(header), country: 'DE' as const };
    const { row, errors, warnings } = parseContactRow(['Anna', '', '0151 23456789', 'ja', '', ''], ctx);
    expect(errors).toEqual([]);
    expect(warnings).toEqual([
      { column: 'Newsletter', reason: 'email consent without an email address: not recorded' },
    ]);
    expect(row).toMatchObject({ phone: '+4915123456789', emailConsent: null });
  });
});

describe('opt-out headers', () => {
  it.each([
    'Do Not Email',
    'Do Not SMS',
    'DoNotEmail',
    'Opt Out',
    'opt-out',
    'is_opt_out',
    'no_newsletter',
    'No Bulk Emails (User Opt Out)',
    'kein Newsletter',
    'Keine Post',
    'Widerspruch',
    'Widerruf SMS',
    'Abmeldung',
    'Newsletter abbestellt',
    'Unsubscribed',
    'E-Mail-Sperre',
  ])('%j reads as an opt-out', (column) => expect(readsAsOptOut(column)).toBe(true));
  it.each(['Newsletter', 'SMS-Erinnerung', 'email_consent', 'Einwilligung E-Mail', 'Nordstadt', 'Notiz'])(
    '%j does not',
    (column) => expect(readsAsOptOut(column)).toBe(false),
  );
});

describe('columns not read', () => {
  it('says why each was left, flagging those named like consent', () => {
    const columns = contactColumns(['E-Mail', 'SMS-Erinnerung', 'Farbe', 'Name'], {}, ['name']);
    expect(columns.fields).toEqual({ email: 0 });
    expect(unreadColumns(columns)).toEqual([
      { column: 'SMS-Erinnerung', reason: expect.stringMatching(/^no mapping for it; /), consentLike: true },
      { column: 'Farbe', reason: 'no mapping for it' },
      { column: 'Name', reason: "the mapping's ignore list names it" },
    ]);
  });
});

describe('attribute columns as numbers', () => {
  const typesOf = (delimiter: ',' | ';' | '\t', columns: Record<string, string[]>) => {
    const types = new AttributeTypes(delimiter);
    for (const [key, values] of Object.entries(columns)) for (const v of values) types.see(key, v);
    return Object.fromEntries(types.numeric());
  };

  it.each([
    [';', ['3,5', '12', '-0,25'], 'de'],
    [';', ['1.250,75', '980'], 'de'],
    [';', ['3.5', '2.25'], 'en'],
    [',', ['3.5', '1,250.5'], 'en'],
    [',', ['3,5', '0,5'], 'de'],
    ['\t', ['3,5', '7'], 'de'],
    [',', ['0', '0.5', '10'], 'en'],
  ] as const)('a %j file reads %j as numbers (%s)', (delimiter, values, style) =>
    expect(typesOf(delimiter, { x: [...values] })).toEqual({ x: style }),
  );

  it.each([
    ['a postal code with a leading zero', ['01067', '10115']],
    ['an id written with zeros', ['007', '12']],
    ['a word among numbers', ['3,5', 'viel']],
    ['a missing-value marker', ['3', '-']],
    ['a date', ['01.02.2024']],
  ])('keeps %s as text', (_what, values) => expect(typesOf(';', { x: values })).toEqual({}));
});
