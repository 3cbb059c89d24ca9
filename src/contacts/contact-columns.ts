import type { CountryCode } from 'libphonenumber-js/max';
import type { Channel } from '../consent/consent.js';
import type { FileReading, IgnoredColumn, ImportOptions } from '../csv/import-context.js';
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
import { FileRejected } from '../csv/sniff.js';

/*
 * The columns of a contacts file: the header names (German and English) each of our fields goes by, the consent
 * columns and what they mean, and how a file's header is recognised and mapped.
 */

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

export interface RowContext {
  header: string[];
  columns: ContactColumns;
  country: CountryCode;
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
