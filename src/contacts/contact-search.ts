import type { CountryCode } from 'libphonenumber-js';
import type { Env } from '../config/config.js';
import type { Channel, ConsentStatus } from '../consent/consent.js';
import { confirmationRefusalSql } from '../consent/consent.service.js';
import { parsePhone } from './addresses.js';

/** What a list of contacts can be narrowed by: the contacts screen's filters, and what staff release requests for. */
export interface ContactFilter {
  q?: string;
  regionId?: string;
  /** A region code at the contact region level. */
  region?: string;
  segmentId?: string;
  language?: string;
  channel?: Channel;
  consent?: ConsentStatus;
  purpose?: string;
  /** Contacts whose consent this import recorded. */
  importJobId?: string;
  /** `unasked`: consent requested on `channel` and nobody asked them to confirm yet (a request may go). */
  confirmation?: 'unasked';
}

/** Defaults from the configuration that a filter reads. */
export interface FilterDefaults {
  country: CountryCode;
  regionLevel: string;
  purpose: string;
}

export const filterDefaults = (env: Env): FilterDefaults => ({
  country: env.DEFAULT_COUNTRY as CountryCode,
  regionLevel: env.CONTACT_REGION_LEVEL,
  purpose: env.DEFAULT_CONSENT_PURPOSE,
});

/**
 * The conditions (over `contacts c` with `regions r` left-joined on its region) that a contact must meet to pass the
 * filter; `params` gets their values. The contacts list and a release of confirmation requests read the same.
 */
export function contactConditions(f: ContactFilter, defaults: FilterDefaults, params: unknown[]): string[] {
  const where: string[] = [];
  if (f.q) where.push(...searchConditions(f.q, defaults.country, params));
  if (f.regionId) where.push(`c.region_id = $${params.push(f.regionId)}`);
  if (f.region)
    where.push(`r.code = $${params.push(f.region)} AND r.level = $${params.push(defaults.regionLevel)}`);
  if (f.language) where.push(`c.language = $${params.push(f.language)}`);
  if (f.segmentId) {
    const segment = params.push(f.segmentId);
    where.push(
      `(c.region_id IN (SELECT region_id FROM segment_members WHERE segment_id = $${segment})
        OR c.id IN (SELECT contact_id FROM segment_contact_members WHERE segment_id = $${segment}))`,
    );
  }
  const channel = f.channel ?? 'email';
  if (f.consent) {
    const state = `SELECT 1 FROM consent_current s WHERE s.contact_id = c.id AND s.channel = $${params.push(channel)}
      AND s.purpose = $${params.push(f.purpose ?? defaults.purpose)}`;
    where.push(
      f.consent === 'none'
        ? `NOT EXISTS (${state})`
        : `EXISTS (${state} AND s.status = $${params.push(f.consent)})`,
    );
  }
  if (f.importJobId)
    where.push(
      `c.id IN (SELECT e.contact_id FROM consent_events e WHERE e.import_job_id = $${params.push(f.importJobId)})`,
    );
  if (f.confirmation === 'unasked') where.push(`${confirmationRefusalSql(channel)} IS NULL`);
  return where;
}

/**
 * A contact's names as the search reads them: lower case, accents and ß folded (`search_fold`, migration
 * 1797000000200). The trigram index IDX_contacts_name_search is on exactly this expression, so a change here needs a
 * new index; the same holds for CONTACT_EMAIL_TEXT and IDX_contacts_email_prefix.
 */
export const CONTACT_NAME_TEXT = `search_fold(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, ''))`;
export const CONTACT_EMAIL_TEXT = `search_fold(c.email)`;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, '\\$&');

/**
 * The conditions of a contact search, all of which a contact must meet; `params` gets their values. Every word must
 * be in a name (anywhere: "meyer anna" finds Anna Meyer, "mey" Müller-Meyer) or begin the email address or the
 * postal code, with accents and ß folded on both sides ("weiss" finds Weiß, "muller" Müller). A search that reads as a phone number, however written (`0151 2345 6789`, `+49 151 …`), also finds
 * that number, read as the import reads numbers. Each has its index: trigrams on the names, text_pattern_ops on
 * email and postal code (prefixes in any collation), and the phone's own.
 */
export function searchConditions(q: string, country: CountryCode, params: unknown[]): string[] {
  const text = q.trim();
  const words = text
    .split(/\s+/)
    .filter((word) => word !== '')
    .map((word) => {
      const contains = params.push(`%${escapeLike(word)}%`);
      const begins = params.push(`${escapeLike(word)}%`);
      return `(${CONTACT_NAME_TEXT} LIKE search_fold($${contains}) OR ${CONTACT_EMAIL_TEXT} LIKE search_fold($${begins})
        OR c.postal_code LIKE upper($${begins}))`;
    });
  const phone = /^[+(\d][\d\s()./-]*$/.test(text) ? phoneOf(text, country) : null;
  return phone ? [`(c.phone = $${params.push(phone)} OR (${words.join(' AND ')}))`] : words;
}

function phoneOf(text: string, country: CountryCode): string | null {
  try {
    return parsePhone(text, country).e164;
  } catch {
    return null;
  }
}
