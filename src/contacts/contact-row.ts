import { isIP } from 'node:net';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { MAX_FIELD_LENGTH } from '../csv/import-context.js';

/** Our field names, each with the header names (German and English) that mean it. */
export const CONTACT_FIELDS = {
  externalId: [
    'external_id',
    'externalid',
    'id',
    'extern_id',
    'externe_id',
    'member_id',
    'mitgliedsnummer',
    'contact_id',
  ],
  firstName: ['first_name', 'firstname', 'given_name', 'vorname'],
  lastName: ['last_name', 'lastname', 'surname', 'family_name', 'nachname', 'name'],
  email: ['email', 'e-mail', 'e_mail', 'mail', 'email_address', 'e-mail-adresse', 'emailadresse'],
  phone: ['phone', 'mobile', 'phone_number', 'telefon', 'telefonnummer', 'handy', 'mobil', 'mobilnummer'],
  postalCode: ['postal_code', 'postcode', 'zip', 'plz', 'postleitzahl'],
  regionCode: ['region', 'region_code', 'wahlkreis', 'wkr', 'wahlkreis-nr.'],
  language: ['language', 'lang', 'sprache'],
  timeZone: ['time_zone', 'timezone', 'zeitzone'],
  emailConsent: ['email_consent', 'consent_email', 'einwilligung_email', 'e-mail-einwilligung', 'newsletter'],
  smsConsent: ['sms_consent', 'consent_sms', 'einwilligung_sms', 'sms-einwilligung'],
  consentAt: ['consent_at', 'consent_time', 'einwilligung_am', 'einwilligungsdatum'],
  emailConfirmedAt: ['email_confirmed_at', 'confirmed_at', 'doi_at', 'bestaetigt_am', 'bestätigt_am'],
  smsConfirmedAt: ['sms_confirmed_at'],
  consentSource: ['consent_source', 'source', 'quelle'],
  consentIp: ['consent_ip', 'ip', 'ip_adresse'],
  consentUserAgent: ['consent_user_agent', 'user_agent'],
  consentTextVersion: ['consent_text_version', 'text_version', 'einwilligungstext'],
} as const;

export type ContactField = keyof typeof CONTACT_FIELDS;

/** Columns named `attr_x` (or `attribute_x`) are self-declared attributes; other unknown columns are ignored. */
const ATTRIBUTE_PREFIX = /^attr(ibute)?_/i;

export interface ContactColumns {
  fields: Partial<Record<ContactField, number>>;
  attributes: { index: number; key: string }[];
  ignored: string[];
}

const norm = (s: string) => s.trim().toLowerCase().replace(/\s+/g, '_');

/** Maps header cells to fields, through the aliases or a mapping (our field → the file's column name). */
export function contactColumns(header: string[], mapping: Record<string, string> = {}): ContactColumns {
  const names = header.map(norm);
  const fields: ContactColumns['fields'] = {};
  for (const field of Object.keys(CONTACT_FIELDS) as ContactField[]) {
    const mapped = mapping[field];
    const index =
      mapped !== undefined
        ? names.indexOf(norm(mapped))
        : names.findIndex((n) => (CONTACT_FIELDS[field] as readonly string[]).includes(n));
    if (index >= 0 && !Object.values(fields).includes(index)) fields[field] = index;
  }
  const used = new Set(Object.values(fields));
  const attributes = header
    .map((h, index) => ({ index, key: norm(h).replace(ATTRIBUTE_PREFIX, '') }))
    .filter(({ index }) => !used.has(index) && ATTRIBUTE_PREFIX.test(header[index].trim()));
  const ignored = header.filter((h, i) => !used.has(i) && !attributes.some((a) => a.index === i) && h !== '');
  return { fields, attributes, ignored };
}

export function isContactsHeader(cells: string[], mapping?: Record<string, string>): boolean {
  const { fields } = contactColumns(cells, mapping);
  return fields.email !== undefined || fields.phone !== undefined;
}

export interface ContactRow {
  externalId: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  postalCode: string | null;
  regionCode: string | null;
  language: string | null;
  timeZone: string | null;
  attributes: Record<string, string | number>;
  emailConsent: boolean | null;
  smsConsent: boolean | null;
  consentAt: Date | null;
  emailConfirmedAt: Date | null;
  smsConfirmedAt: Date | null;
  consentSource: string | null;
  consentIp: string | null;
  consentUserAgent: string | null;
  consentTextVersion: string | null;
}

export interface FieldError {
  column: string;
  /** Never quotes the value: it may be shown to roles that may not read contacts. */
  reason: string;
  /** The value refused, for those who may see it. */
  value?: string;
}

const TRUE = new Set(['1', 'true', 'yes', 'y', 'ja', 'j', 'x', 'wahr', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'n', 'nein', 'falsch', 'off']);

/** `1/0`, `true/false`, `yes/no`, `ja/nein`, `x`/empty in any case; empty means "not stated". */
export function parseFlag(raw: string): boolean | null {
  const v = raw.trim().toLowerCase();
  if (v === '') return null;
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw new Error(`not a yes/no value (use 1/0, true/false, yes/no, ja/nein or x)`);
}

const EMAIL =
  /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.[a-z]{2,63}$/;

export function normaliseEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email) || email.includes('..') || email.split('@')[0].length > 64) {
    throw new Error(`not a valid email address`);
  }
  return email;
}

export function normalisePhone(raw: string, country: CountryCode): string {
  const phone = parsePhoneNumberFromString(raw.trim(), country);
  if (!phone?.isValid()) throw new Error(`not a valid phone number`);
  return phone.number;
}

const LANGUAGE_NAMES: Record<string, string> = {
  deutsch: 'de',
  german: 'de',
  englisch: 'en',
  english: 'en',
  türkisch: 'tr',
  turkish: 'tr',
  türkçe: 'tr',
  arabisch: 'ar',
  arabic: 'ar',
  russisch: 'ru',
  russian: 'ru',
  ukrainisch: 'uk',
  ukrainian: 'uk',
  polnisch: 'pl',
  polish: 'pl',
  französisch: 'fr',
  french: 'fr',
  spanisch: 'es',
  spanish: 'es',
};

export function normaliseLanguage(raw: string): string {
  const v = raw.trim().toLowerCase();
  if (/^[a-z]{2}([-_][a-z]{2})?$/.test(v)) return v.slice(0, 2);
  const named = LANGUAGE_NAMES[v];
  if (named) return named;
  throw new Error(`not a language code such as de or en`);
}

const zones = new Map<string, boolean>();
export function checkTimeZone(raw: string): string {
  const zone = raw.trim();
  if (!zones.has(zone)) {
    let ok = true;
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
    } catch {
      ok = false;
    }
    zones.set(zone, ok && zone.includes('/'));
  }
  if (!zones.get(zone)) throw new Error(`not an IANA time zone such as Europe/Berlin`);
  return zone;
}

/** ISO 8601, or German `31.12.2024` / `31.12.2024 14:05(:09)`; a time without zone is read as UTC. */
export function parseTimestamp(raw: string): Date {
  const v = raw.trim();
  const german = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(v);
  let date: Date;
  if (german) {
    const [, d, m, y, hh = '0', mm = '0', ss = '0'] = german;
    date = new Date(Date.UTC(+y, +m - 1, +d, +hh, +mm, +ss));
    if (date.getUTCDate() !== +d || date.getUTCMonth() !== +m - 1) throw new Error(`not a real date`);
  } else if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(v)) {
    date = new Date(
      /[zZ]|[+-]\d{2}:?\d{2}$/.test(v) || v.length === 10 ? v.replace(' ', 'T') : `${v.replace(' ', 'T')}Z`,
    );
  } else {
    throw new Error(`not a date and time (use 2024-12-31T14:05:00Z or 31.12.2024 14:05)`);
  }
  if (Number.isNaN(date.getTime())) throw new Error(`not a real date`);
  if (date.getTime() > Date.now() + 24 * 3600 * 1000) throw new Error(`lies in the future`);
  return date;
}

export interface RowContext {
  header: string[];
  columns: ContactColumns;
  country: CountryCode;
}

/**
 * Turns one CSV record into a clean contact row, or lists every bad field (column and reason).
 * Values beginning with = + - @ are kept as plain text; they are never evaluated here.
 */
export function parseContactRow(
  cells: string[],
  ctx: RowContext,
): { row?: ContactRow; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const { fields } = ctx.columns;
  const text = (field: ContactField): string | null => {
    const index = fields[field];
    if (index === undefined) return null;
    const value = (cells[index] ?? '').trim();
    if (value.length > MAX_FIELD_LENGTH) {
      errors.push({ column: ctx.header[index], reason: `longer than ${MAX_FIELD_LENGTH} characters` });
      return null;
    }
    return value === '' ? null : value;
  };
  const check = <T>(field: ContactField, parse: (raw: string) => T): T | null => {
    const raw = text(field);
    if (raw === null) return null;
    try {
      return parse(raw);
    } catch (e) {
      errors.push({ column: ctx.header[fields[field]!], reason: (e as Error).message, value: raw });
      return null;
    }
  };

  const email = check('email', normaliseEmail);
  const phone = check('phone', (raw) => normalisePhone(raw, ctx.country));
  const consentIp = check('consentIp', (raw) => {
    if (!isIP(raw)) throw new Error(`not an IP address`);
    return raw;
  });
  const postalCode = check('postalCode', (raw) => {
    if (!/^[A-Za-z0-9][A-Za-z0-9 -]{1,9}$/.test(raw)) throw new Error(`not a postal code`);
    return raw.toUpperCase();
  });
  const attributes: Record<string, string | number> = {};
  for (const { index, key } of ctx.columns.attributes) {
    const value = (cells[index] ?? '').trim();
    if (value.length > MAX_FIELD_LENGTH)
      errors.push({ column: ctx.header[index], reason: `longer than ${MAX_FIELD_LENGTH} characters` });
    else if (value !== '') attributes[key] = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
  const row: ContactRow = {
    externalId: text('externalId'),
    firstName: text('firstName'),
    lastName: text('lastName'),
    email,
    phone,
    postalCode,
    regionCode: check('regionCode', (raw) => raw.replace(/^0+(?=\d)/, '')),
    language: check('language', normaliseLanguage),
    timeZone: check('timeZone', checkTimeZone),
    attributes,
    emailConsent: check('emailConsent', parseFlag),
    smsConsent: check('smsConsent', parseFlag),
    consentAt: check('consentAt', parseTimestamp),
    emailConfirmedAt: check('emailConfirmedAt', parseTimestamp),
    smsConfirmedAt: check('smsConfirmedAt', parseTimestamp),
    consentSource: text('consentSource'),
    consentIp,
    consentUserAgent: text('consentUserAgent'),
    consentTextVersion: text('consentTextVersion'),
  };
  if (errors.length) return { errors };
  if (!row.email && !row.phone) {
    return {
      errors: [
        {
          column: ctx.header[fields.email ?? fields.phone ?? 0] ?? 'email',
          reason: 'neither an email address nor a phone number',
        },
      ],
    };
  }
  if (row.emailConsent && !row.email)
    errors.push({
      column: ctx.header[fields.emailConsent!],
      reason: 'email consent without an email address',
    });
  if (row.smsConsent && !row.phone)
    errors.push({ column: ctx.header[fields.smsConsent!], reason: 'SMS consent without a phone number' });
  return errors.length ? { errors } : { row, errors };
}
