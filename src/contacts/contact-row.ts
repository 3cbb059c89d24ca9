import { isIP } from 'node:net';
import {
  getCountries,
  getCountryCallingCode,
  parsePhoneNumberFromString,
  validatePhoneNumberLength,
  type CountryCode,
} from 'libphonenumber-js/max';
import type { Channel } from '../consent/consent.js';
import {
  MAX_FIELD_LENGTH,
  type FileReading,
  type IgnoredColumn,
  type ImportOptions,
} from '../csv/import-context.js';
import {
  headerList,
  headerName,
  ignoredByMapping,
  looksLikeHeader,
  IGNORE_KEY,
  mappedFields,
  resolveMapping,
  snakeCase,
  type ColumnMapping,
} from '../csv/mapping.js';
import { NumberFormatError, parseNumber, type NumberStyle } from '../csv/numbers.js';
import { FileRejected, type Delimiter } from '../csv/sniff.js';

/** Our field names, each with the header names (German and English) that mean it. */
export const CONTACT_FIELDS = {
  externalId: [
    'external_id',
    'externalid',
    'id',
    'extern_id',
    'externe_id',
    'member_id',
    'external_identifier',
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
  /** Inverted consent columns (CiviCRM's "Do Not Email", "Opt Out"): yes withdraws, no changes nothing. */
  emailOptOut: ['email_opt_out', 'do_not_email'],
  smsOptOut: ['sms_opt_out', 'do_not_sms'],
  /** CiviCRM's "Opt Out" (no bulk email): withdraws email like an email opt-out. */
  optOut: ['opt_out', 'is_opt_out', 'no_bulk_emails_(user_opt_out)'],
  consentAt: ['consent_at', 'consent_time', 'einwilligung_am', 'einwilligungsdatum'],
  emailConfirmedAt: ['email_confirmed_at', 'confirmed_at', 'doi_at', 'bestaetigt_am', 'bestätigt_am'],
  smsConfirmedAt: ['sms_confirmed_at'],
  consentSource: ['consent_source', 'source', 'quelle'],
  consentIp: ['consent_ip', 'ip', 'ip_adresse'],
  consentUserAgent: ['consent_user_agent', 'user_agent'],
  consentTextVersion: ['consent_text_version', 'text_version', 'einwilligungstext'],
} as const;

export type ContactField = keyof typeof CONTACT_FIELDS;

/** Mapping keys: each field's documented snake_case name. */
export const CONTACT_MAPPING_KEYS = Object.fromEntries(
  (Object.keys(CONTACT_FIELDS) as ContactField[]).map((field) => [snakeCase(field), field]),
) as Record<string, ContactField>;

/**
 * What each column about consent says, and for which channel: the row parser reads consent and opt-out by this
 * table, and the import preview explains a file's columns from it.
 */
export const CONSENT_FIELDS = {
  emailConsent: {
    meaning: 'consent',
    channel: 'email',
    says: 'yes asks for email consent (requested until a double opt-in is proven), no withdraws it, empty says nothing',
  },
  smsConsent: {
    meaning: 'consent',
    channel: 'sms',
    says: 'yes asks for SMS consent (confirmed with sms_confirmed_at), no withdraws it, empty says nothing',
  },
  emailOptOut: {
    meaning: 'opt-out',
    channel: 'email',
    says: 'inverted: yes withdraws email consent whatever a consent column says, no changes nothing, empty says nothing',
  },
  smsOptOut: {
    meaning: 'opt-out',
    channel: 'sms',
    says: 'inverted: yes withdraws SMS consent whatever a consent column says, no changes nothing, empty says nothing',
  },
  optOut: {
    meaning: 'opt-out',
    channel: 'email',
    says: 'inverted (no bulk email): yes withdraws email consent, no changes nothing, empty says nothing',
  },
  consentAt: { meaning: 'evidence', channel: null, says: 'when the consent was given (the event’s time)' },
  emailConfirmedAt: {
    meaning: 'evidence',
    channel: 'email',
    says: 'when the double opt-in was confirmed: with consent_ip, the email consent is recorded as confirmed',
  },
  smsConfirmedAt: {
    meaning: 'evidence',
    channel: 'sms',
    says: 'when the SMS consent was confirmed: the SMS consent is recorded as confirmed',
  },
  consentSource: {
    meaning: 'evidence',
    channel: null,
    says: 'where the consent was given, as the file states it',
  },
  consentIp: {
    meaning: 'evidence',
    channel: null,
    says: 'the IP address the consent (or its confirmation) came from',
  },
  consentUserAgent: { meaning: 'evidence', channel: null, says: 'the browser the consent came from' },
  consentTextVersion: {
    meaning: 'evidence',
    channel: null,
    says: 'the version of the consent text the person saw',
  },
} as const satisfies Partial<
  Record<ContactField, { meaning: 'consent' | 'opt-out' | 'evidence'; channel: Channel | null; says: string }>
>;
export type ConsentField = keyof typeof CONSENT_FIELDS;

/** Columns named `attr_x` (or `attribute_x`) are self-declared attributes; other unknown columns are ignored. */
const ATTRIBUTE_PREFIX = /^attr(ibute)?_/i;

export interface ContactColumns {
  fields: Partial<Record<ContactField, number>>;
  attributes: { index: number; key: string }[];
  /** Every named column not read. */
  ignored: string[];
  /** The ignored columns the mapping listed under `ignore` (the others had no mapping). */
  listed: string[];
}

/** The column of the first alias the header has: aliases are listed most specific first. */
function firstPresent(names: string[], aliases: readonly string[]): number {
  for (const alias of aliases) {
    const index = names.indexOf(alias);
    if (index >= 0) return index;
  }
  return -1;
}

/**
 * Maps header cells to fields, through the aliases or a mapping (our field → the file's column name); columns
 * listed under `ignore` are left unread even where an alias or the attr_ prefix would read them.
 */
export function contactColumns(
  header: string[],
  mapping: Partial<Record<ContactField, string>> = {},
  ignore: string[] = [],
): ContactColumns {
  const norm = headerName;
  const skip = new Set(ignore.map(norm));
  const names = header.map((h) => (skip.has(norm(h)) ? '\u0000' : norm(h)));
  const fields: ContactColumns['fields'] = {};
  for (const field of Object.keys(CONTACT_FIELDS) as ContactField[]) {
    const mapped = mapping[field];
    const index =
      mapped !== undefined ? names.indexOf(norm(mapped)) : firstPresent(names, CONTACT_FIELDS[field]);
    if (index >= 0 && !Object.values(fields).includes(index)) fields[field] = index;
  }
  const used = new Set(Object.values(fields));
  const attributes = header
    .map((h, index) => ({ index, key: norm(h).replace(ATTRIBUTE_PREFIX, '') }))
    .filter(
      ({ index }) =>
        !used.has(index) && !skip.has(norm(header[index])) && ATTRIBUTE_PREFIX.test(header[index].trim()),
    );
  const ignored = header.filter((h, i) => !used.has(i) && !attributes.some((a) => a.index === i) && h !== '');
  return { fields, attributes, ignored, listed: ignored.filter((h) => skip.has(norm(h))) };
}

/**
 * Header names that read as an opt-out: a column whose yes means "do not contact". Mapped to a consent key, its
 * yes would be read as consent asked for — the opposite of what the person said.
 */
const OPT_OUT_HEADER =
  /do[\s_-]*not|opt[\s_-]*out|\bno[\s_-]+(bulk|e-?mail|mail|newsletter|sms|contact|marketing)|^no_|\bkein|\bnicht\b|widerspr|widerruf|abmeld|abgemeldet|abbestell|unsubscri|sperr|blocklist|blacklist|suppress|ablehn/i;

/** Header names that read as being about consent or opt-out, whichever way. */
const CONSENT_LIKE_HEADER =
  /consent|einwillig|zustimm|newsletter|erinnerung|reminder|opt[\s_-]*(in|out)|do[\s_-]*not|\bkein|widerspr|widerruf|abmeld|abbestell|subscri|abonn|permission|erlaubnis|darf|dsgvo|gdpr|marketing|werbung|bulk/i;

export const readsAsOptOut = (column: string) => OPT_OUT_HEADER.test(column);

/**
 * Refuses a mapping that names an opt-out column for a consent key: "Do Not Email" as email_consent would turn
 * every opt-out into a consent request.
 */
export function refuseInvertedConsent(mapping: ColumnMapping | undefined): void {
  for (const [key, column] of Object.entries(mapping ?? {})) {
    const field = CONTACT_MAPPING_KEYS[key] ?? CONTACT_MAPPING_KEYS[snakeCase(key)];
    if (typeof column !== 'string' || !field || !(field in CONSENT_FIELDS)) continue;
    if (CONSENT_FIELDS[field as ConsentField].meaning === 'consent' && readsAsOptOut(column))
      throw new FileRejected(
        `the mapping names the column "${column}" for "${key}", but its name reads as an opt-out: its yes would ` +
          `be read as consent asked for. Map an opt-out column to an opt-out key (email_opt_out, sms_opt_out or ` +
          `opt_out), whose yes withdraws consent and whose no changes nothing`,
      );
  }
}

/** Every column the import does not read, and why; those named like consent or an opt-out are marked. */
export function unreadColumns(columns: ContactColumns): IgnoredColumn[] {
  const listed = new Set(columns.listed);
  return columns.ignored.map((column) =>
    listed.has(column)
      ? { column, reason: `the mapping's ${IGNORE_KEY} list names it` }
      : CONSENT_LIKE_HEADER.test(column)
        ? {
            column,
            reason:
              'no mapping for it; its name reads like consent or an opt-out, and nothing in it was recorded: map it to a consent or opt-out key, or list it under ignore',
            consentLike: true,
          }
        : { column, reason: 'no mapping for it' },
  );
}

export function isContactsHeader(cells: string[], mapping?: Partial<Record<ContactField, string>>): boolean {
  const { fields } = contactColumns(cells, mapping);
  return fields.email !== undefined || fields.phone !== undefined;
}

/** How a contacts file is recognised and its columns taken, with the mapping given (our key → its column). */
export function contactsReading(
  options: Pick<ImportOptions, 'mapping' | 'defaultCountry'>,
): FileReading<RowContext> {
  const { mapping } = options;
  return {
    isHeader: (cells) => isContactsHeader(cells, mappedFields(mapping, CONTACT_MAPPING_KEYS)),
    expectedHeader: `an email or phone column (email, e-mail, phone, telefon, mobil …${
      mapping
        ? `, or the mapping's ${Object.values(mappedFields(mapping, CONTACT_MAPPING_KEYS)).join(', ')}`
        : ''
    })`,
    layout: (header) => {
      const fields = resolveMapping(mapping, CONTACT_MAPPING_KEYS, header, 'contacts file');
      refuseInvertedConsent(mapping);
      return {
        header,
        columns: contactColumns(header, fields, ignoredByMapping(mapping)),
        country: (options.defaultCountry ?? 'DE') as CountryCode,
      };
    },
    explainNoHeader: (first) =>
      looksLikeHeader(first)
        ? `${headerList(first)} has no email or phone column, and a contacts file needs one to reach anybody: ` +
          `add one, or name it in a mapping ({"email": "…"} or {"phone": "…"})`
        : undefined,
  };
}

/**
 * Decides which attr_ columns hold numbers, from all their values: a column is numeric when every value in it is a
 * number — in the file's own convention (a `;` file writes 3,5, a `,` file 3.5; the other convention where every
 * value needs it) — and none has a leading zero (a postal code such as 01067 stays text).
 */
export class AttributeTypes {
  private readonly styles = new Map<string, { de: boolean; en: boolean }>();
  private readonly order: NumberStyle[];

  constructor(delimiter: Delimiter) {
    this.order = delimiter === ',' ? ['en', 'de'] : ['de', 'en'];
  }

  /** Takes one value of a column; returns its number in each convention (null where it is none). */
  see(key: string, value: string): { de: number | null; en: number | null } {
    const parsed = { de: asNumber(value, 'de'), en: asNumber(value, 'en') };
    const seen = this.styles.get(key) ?? { de: true, en: true };
    this.styles.set(key, { de: seen.de && parsed.de !== null, en: seen.en && parsed.en !== null });
    return parsed;
  }

  /** The numeric columns, each with the convention its values are read in. */
  numeric(): Map<string, NumberStyle> {
    const numeric = new Map<string, NumberStyle>();
    for (const [key, ok] of this.styles) {
      const style = this.order.find((s) => ok[s]);
      if (style) numeric.set(key, style);
    }
    return numeric;
  }
}

/** One attribute value as a number in one convention; null when it is none, or starts with a zero (an id, a code). */
function asNumber(value: string, style: NumberStyle): number | null {
  const v = value.trim();
  if (/^[+-]?0\d/.test(v)) return null;
  try {
    return parseNumber(v, style);
  } catch (e) {
    if (e instanceof NumberFormatError) return null;
    throw e;
  }
}

/** The mapping a file is read with, whether given or found through the aliases: our key → the file's column. */
export function mappingUsed(ctx: RowContext): Record<string, string> {
  return Object.fromEntries(
    (Object.entries(ctx.columns.fields) as [ContactField, number][])
      .sort(([, a], [, b]) => a - b)
      .map(([field, index]) => [snakeCase(field), ctx.header[index]]),
  );
}

/** The file's columns about consent, each with the field it is read as and what it means. */
export function consentColumnsOf(ctx: RowContext) {
  return (Object.keys(CONSENT_FIELDS) as ConsentField[]).flatMap((field) => {
    const index = ctx.columns.fields[field];
    if (index === undefined) return [];
    const { meaning, channel, says } = CONSENT_FIELDS[field];
    return [{ column: ctx.header[index], field: snakeCase(field), channel, meaning, says }];
  });
}

export interface ContactRow {
  externalId: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  /** The phone is a landline: kept, never sent an SMS. */
  landline: boolean;
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

/** The main country of a calling code, where several share it (+1 is the United States, +7 Russia). */
const MAIN_COUNTRY: Record<string, CountryCode> = {
  '1': 'US',
  '7': 'RU',
  '44': 'GB',
  '47': 'NO',
  '61': 'AU',
};
const REGION_NAMES = new Intl.DisplayNames(['en'], { type: 'region' });
const WITH_ARTICLE = new Set([
  'GB',
  'US',
  'NL',
  'AE',
  'PH',
  'DO',
  'CZ',
  'BS',
  'GM',
  'CD',
  'CG',
  'CF',
  'MV',
  'KM',
]);

function countryName(code: CountryCode): string {
  const name = REGION_NAMES.of(code) ?? code;
  return code === 'CZ' ? 'Czechia' : WITH_ARTICLE.has(code) ? `the ${name}` : name;
}

export interface Phone {
  e164: string;
  /** A landline cannot receive SMS: the number is kept, but is not an SMS address. */
  landline: boolean;
}

/**
 * Judges a phone number with libphonenumber-js's full metadata. The reason says why in words a person understands:
 * "too short for Germany", "not a valid number in the United Kingdom".
 */
export function parsePhone(raw: string, country: CountryCode): Phone {
  const text = raw.trim();
  const length = validatePhoneNumberLength(text, country);
  if (length === 'NOT_A_NUMBER' || !/\d/.test(text)) throw new Error('not a phone number');
  const phone = parsePhoneNumberFromString(text, country);
  const code = phone?.countryCallingCode ?? callingCode(text) ?? getCountryCallingCode(country);
  const where =
    phone?.country ??
    (getCountryCallingCode(country) === code
      ? country
      : (MAIN_COUNTRY[code] ?? getCountries().find((c) => getCountryCallingCode(c) === code)));
  const name = where ? countryName(where) : `the +${code} area`;
  if (length === 'TOO_SHORT') throw new Error(`too short for ${name}`);
  if (length === 'TOO_LONG') throw new Error(`too long for ${name}`);
  if (length === 'INVALID_COUNTRY') throw new Error('no country code (+49 …) and no default country');
  if (!phone?.isValid()) throw new Error(`not a valid number in ${name}`);
  return { e164: phone.number, landline: phone.getType() === 'FIXED_LINE' };
}

/** The calling code a number written with + or 00 starts with (codes are prefix-free). */
function callingCode(text: string): string | undefined {
  const digits = /^(?:\+|00)\s*([\d\s]+)/.exec(text)?.[1].replace(/\s/g, '');
  if (!digits) return undefined;
  const codes = new Set(getCountries().map((c) => getCountryCallingCode(c)));
  return [1, 2, 3].map((n) => digits.slice(0, n)).find((prefix) => codes.has(prefix));
}

export function normalisePhone(raw: string, country: CountryCode): string {
  return parsePhone(raw, country).e164;
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

/** The languages the importer knows by name (any other two-letter code is accepted as it is written). */
export const NAMED_CONTACT_LANGUAGES = [...new Set(Object.values(LANGUAGE_NAMES))];

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

/** Fields whose bad value is dropped with a warning, the row kept (when something reachable is left). */
type Optional = 'email' | 'phone' | 'postalCode' | 'language' | 'timeZone' | 'firstName' | 'lastName';

/**
 * Turns one CSV record into a clean contact row. A bad optional value (the phone beside a valid email, the email
 * beside a valid phone, a postal code, a language) is dropped with a warning and the row kept; a consent for a
 * dropped address goes with it, said in the same warning. The row is rejected only when nothing reachable is left
 * or a value that changes meaning (a consent flag, its time or evidence) cannot be read. Values beginning with
 * = + - @ are kept as plain text; they are never evaluated here.
 */
export function parseContactRow(
  cells: string[],
  ctx: RowContext,
): { row?: ContactRow; errors: FieldError[]; warnings: FieldError[] } {
  const errors: FieldError[] = [];
  const dropped = new Map<Optional, FieldError>();
  const { fields } = ctx.columns;
  const columnOf = (field: ContactField) => ctx.header[fields[field]!];
  const fail = (field: ContactField, problem: FieldError) =>
    field in OPTIONAL ? dropped.set(field as Optional, problem) : errors.push(problem);
  const text = (field: ContactField): string | null => {
    const index = fields[field];
    if (index === undefined) return null;
    const value = (cells[index] ?? '').trim();
    if (value.length > MAX_FIELD_LENGTH) {
      fail(field, { column: ctx.header[index], reason: `longer than ${MAX_FIELD_LENGTH} characters` });
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
      fail(field, { column: columnOf(field), reason: (e as Error).message, value: raw });
      return null;
    }
  };

  const email = check('email', normaliseEmail);
  const phone = check('phone', (raw) => parsePhone(raw, ctx.country));
  const consentIp = check('consentIp', (raw) => {
    if (!isIP(raw)) throw new Error(`not an IP address`);
    return raw;
  });
  const postalCode = check('postalCode', (raw) => {
    if (!/^[A-Za-z0-9][A-Za-z0-9 -]{1,9}$/.test(raw)) throw new Error(`not a postal code`);
    return raw.toUpperCase();
  });
  const attributes: Record<string, string | number> = {};
  const longAttributes: FieldError[] = [];
  for (const { index, key } of ctx.columns.attributes) {
    const value = (cells[index] ?? '').trim();
    if (value.length > MAX_FIELD_LENGTH)
      longAttributes.push({
        column: ctx.header[index],
        reason: `longer than ${MAX_FIELD_LENGTH} characters: left out`,
      });
    // Text here: whether a column holds numbers is decided from all its values (AttributeTypes).
    else if (value !== '') attributes[key] = value;
  }
  // An opt-out column says yes to withdraw; its no says nothing either way. Every column is read, so that each
  // unreadable one is reported.
  const consent = (channel: Channel): boolean | null => {
    let given: boolean | null = null;
    let optedOut = false;
    for (const field of Object.keys(CONSENT_FIELDS) as ConsentField[]) {
      const { meaning, channel: of } = CONSENT_FIELDS[field];
      if (of !== channel) continue;
      if (meaning === 'consent') given = check(field, parseFlag);
      else if (meaning === 'opt-out' && check(field, parseFlag) === true) optedOut = true;
    }
    return optedOut ? false : given;
  };
  const row: ContactRow = {
    externalId: text('externalId'),
    firstName: text('firstName'),
    lastName: text('lastName'),
    email,
    phone: phone?.e164 ?? null,
    landline: phone?.landline ?? false,
    postalCode,
    regionCode: check('regionCode', (raw) => raw.replace(/^0+(?=\d)/, '')),
    language: check('language', normaliseLanguage),
    timeZone: check('timeZone', checkTimeZone),
    attributes,
    emailConsent: consent('email'),
    smsConsent: consent('sms'),
    consentAt: check('consentAt', parseTimestamp),
    emailConfirmedAt: check('emailConfirmedAt', parseTimestamp),
    smsConfirmedAt: check('smsConfirmedAt', parseTimestamp),
    consentSource: text('consentSource'),
    consentIp,
    consentUserAgent: text('consentUserAgent'),
    consentTextVersion: text('consentTextVersion'),
  };
  if (errors.length) return { errors: [...errors, ...dropped.values()], warnings: [] };
  if (!row.email && !row.phone) {
    const reasons = [dropped.get('email'), dropped.get('phone')].filter((e) => e !== undefined);
    return {
      errors: reasons.length
        ? reasons
        : [
            {
              column: ctx.header[fields.email ?? fields.phone ?? 0] ?? 'email',
              reason: 'neither an email address nor a phone number',
            },
          ],
      warnings: [],
    };
  }

  // A consent needs an address to consent with: one given for a missing or unusable address is not recorded.
  if (row.landline) {
    dropped.set('phone', {
      column: columnOf('phone'),
      reason: 'a landline: kept, but not used for SMS',
    });
  }
  const warnings: FieldError[] = [];
  for (const [field, problem] of dropped) {
    const channelConsent =
      field === 'email' && row.emailConsent
        ? 'the email consent'
        : field === 'phone' && row.smsConsent
          ? 'the SMS consent'
          : null;
    warnings.push(
      channelConsent
        ? { ...problem, reason: `${problem.reason}; ${channelConsent} is dropped with it` }
        : problem,
    );
  }
  if (row.emailConsent && !row.email) {
    if (!dropped.has('email'))
      warnings.push({
        column: columnOf('emailConsent'),
        reason: 'email consent without an email address: not recorded',
      });
    row.emailConsent = null;
  }
  if (row.smsConsent && (!row.phone || row.landline)) {
    if (!dropped.has('phone'))
      warnings.push({
        column: columnOf('smsConsent'),
        reason: 'SMS consent without a phone number: not recorded',
      });
    row.smsConsent = null;
  }
  return { row, errors: [], warnings: [...warnings, ...longAttributes] };
}

const OPTIONAL: Record<Optional, true> = {
  email: true,
  phone: true,
  postalCode: true,
  language: true,
  timeZone: true,
  firstName: true,
  lastName: true,
};
