import { isIP } from 'node:net';
import type { Channel } from '../consent/consent.js';
import { MAX_FIELD_LENGTH } from '../csv/import-context.js';
import { NumberFormatError, parseNumber, type NumberStyle } from '../csv/numbers.js';
import type { Delimiter } from '../csv/sniff.js';
import { checkTimeZone, normaliseEmail, normaliseLanguage, parsePhone } from './addresses.js';
import { CONSENT_FIELDS, type ConsentField, type ContactField, type RowContext } from './contact-columns.js';

/*
 * One row of a contacts file, read: its values checked and normalised, a bad optional value dropped with a warning,
 * the consent columns read as what they say.
 */

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
