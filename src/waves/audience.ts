import { messageLanguageSql } from '../common/languages.js';
import { addressSql } from '../consent/addresses.js';
import type { FrequencyCap, QuietHours } from '../config/config.js';
import type { Channel } from '../consent/consent.js';
import {
  frequencyCapCountsSql,
  inQuietHoursSql,
  localTimeSql,
  quietHoursEndSql,
  refusalSql,
  suppressedSql,
  zoneSql,
  type SendFacts,
} from '../consent/send-rules.js';
import type { Audience } from './wave.entities.js';

export interface AudienceQuery {
  channel: Channel;
  purpose: string;
  audience: Audience;
  /** Region runs reach contacts through their region; contact runs list contacts directly. */
  runTarget: 'regions' | 'contacts' | null;
  templateStrategy: 'approved' | 'fixed';
  templateKey: string | null;
  /** Approved matches: the audience's segments that wait for a template chosen by hand (`segmentsNeedingHandChoice`). */
  needHandChoice?: string[];
  /** Regions (with their sub-regions) an event concerns, on top of the audience's own. */
  eventRegionIds?: string[];
  frequencyCap: FrequencyCap | null;
  /** The channel's quiet hours: the preview says how many messages wait for their end, and until when. */
  quietHours: QuietHours | null;
  /** SMS: the phones shared by several contacts who may be messaged, each with the one who gets it (`householdsSql`). */
  households?: { address: string; first: string }[];
  /** Preview with quiet hours: the zones in quiet hours now and when they end (`quietZonesSql`). */
  quietZones?: { name: string; until: Date }[];
}

/**
 * One SELECT that judges every contact of the audience: `contact_id, segment_id, language, address, template_key,
 * template_version, excluded` (NULL when the message may go), and the facts `excluded` is made of. Set-based, so
 * preview and launch cost one pass over the contacts whatever their number.
 */
export function audienceSql(q: AudienceQuery): { sql: string; params: unknown[] } {
  const { ctes, params } = audienceFacts(q);
  return { sql: `${ctes} SELECT f.*, ${exclusionSql('f')} AS excluded FROM facts f`, params };
}

/**
 * The preview's counts: contacts grouped first by the facts the exclusions are made of, then by reason, so the rule
 * runs once per group instead of once per contact. In the same WITH list rather than around the audience's SELECT:
 * PostgreSQL does not flatten a subquery that has a WITH, and would then take every contact for a group of its own.
 */
export function previewSql(q: AudienceQuery): { sql: string; params: unknown[] } {
  if (q.quietHours && !q.quietZones)
    throw new Error('A preview with quiet hours needs its quiet zones (quietZonesSql) first');
  const { ctes, params } = audienceFacts(q, true);
  const facts = `status, has_address, suppressed, capped, duplicate, no_clear_match, segment_id, template_key, template_version, language${
    q.quietHours ? ', quiet_until' : ''
  }`;
  const excluded = exclusionSql('g');
  // Messages that may go but wait for the end of quiet hours in their zone: part of `final`.
  const deferredSql = q.quietHours ? `${excluded} IS NULL AND g.quiet_until IS NOT NULL` : 'false';
  return {
    sql: `${ctes}, counted AS (
        SELECT ${facts}, count(*) AS n, min(contact_id::text) AS sample FROM facts GROUP BY ${facts}
      )
      SELECT ${excluded} AS excluded, segment_id, template_key, template_version, language,
        sum(n)::int AS n, min(sample) AS sample,
        (sum(n) FILTER (WHERE ${deferredSql}))::int AS deferred,
        max(${q.quietHours ? 'g.quiet_until' : 'NULL::timestamptz'}) FILTER (WHERE ${deferredSql}) AS deferred_until
      FROM counted g GROUP BY 1, 2, 3, 4, 5`,
    params,
  };
}

/** The time zones in quiet hours now, each with the moment its quiet hours end: a few hundred rows, once. */
export function quietZonesSql(hours: QuietHours): string {
  const local = localTimeSql('name');
  return `SELECT name, ${quietHoursEndSql(local, 'name', hours)} AS until
    FROM pg_timezone_names WHERE ${inQuietHoursSql(local, hours)}`;
}

/**
 * A phone may be shared (a household); then only its first contact (the lowest id) among those who may be messaged
 * gets it. Found by its own statement among the few contacts whose phone is shared at all, and handed to the
 * audience's statement as parameters, so that this one reads the audience once and in parallel workers.
 */
export function householdsSql(q: AudienceQuery): { sql: string; params: unknown[] } {
  const { judged, where, params } = audienceParts(q);
  return {
    // In the order of the phone index a shared phone equals the one before it: one pass over the index, no hash of
    // a million phones (and an estimate of few rows, so the contacts behind them are looked up, not scanned).
    sql: `WITH shared AS (
        SELECT DISTINCT phone FROM (
          SELECT phone, lag(phone) OVER (ORDER BY phone) AS before FROM contacts WHERE phone IS NOT NULL
        ) p WHERE phone = before
      )
      SELECT address, min(contact_id::text) AS first
      FROM (${judged([...where, 'c.phone IN (SELECT phone FROM shared)'])}) j
      WHERE ${refusedSql('j')} IS NULL GROUP BY address HAVING count(*) > 1`,
    params,
  };
}

/** The WITH list that ends in `facts`: one row per contact of the audience with what its exclusion depends on. */
function audienceFacts(q: AudienceQuery, quiet = false): { ctes: string; params: unknown[] } {
  const { judged, where, params, param } = audienceParts(q);
  if (q.channel === 'email')
    return {
      ctes: `WITH facts AS (SELECT j.*, false AS duplicate FROM (${judged(where, quiet)}) j)`,
      params,
    };
  if (!q.households) throw new Error('An SMS audience needs its households (householdsSql) first');
  const addresses = param(q.households.map((h) => h.address));
  const firsts = param(q.households.map((h) => h.first));
  const ctes = `
    WITH facts AS (
      SELECT j.*, d.first IS NOT NULL AND d.first <> j.contact_id::text AS duplicate
      FROM (${judged(where, quiet)}) j
      LEFT JOIN unnest(${addresses}::text[], ${firsts}::text[]) AS d(address, first) ON d.address = j.address
    )`;
  return { ctes, params };
}

/** The audience's filters and the SELECT of its contacts' facts, less the shared phone, for a list of conditions. */
function audienceParts(q: AudienceQuery) {
  const params: unknown[] = [q.channel, q.purpose];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const address = addressSql(q.channel);
  const where: string[] = [];
  let segment = 'NULL::uuid';
  let join = '';
  const a = q.audience;
  if (a.segmentIds?.length) {
    const ids = param(a.segmentIds);
    if (q.runTarget === 'contacts') {
      join = `JOIN segment_contact_members sm ON sm.contact_id = c.id AND sm.segment_id = ANY(${ids})`;
    } else {
      join = `JOIN segment_members sm ON sm.region_id = c.region_id AND sm.segment_id = ANY(${ids})`;
    }
    segment = 'sm.segment_id';
  }
  for (const regions of [a.regionIds, q.eventRegionIds])
    if (regions?.length) {
      const ids = param(regions);
      where.push(`c.region_id IN (SELECT id FROM regions WHERE id = ANY(${ids}) OR parent_id = ANY(${ids}))`);
    }
  if (a.languages?.length) where.push(`c.language = ANY(${param(a.languages)})`);
  if (a.attributes && Object.keys(a.attributes).length)
    where.push(`c.attributes @> ${param(JSON.stringify(a.attributes))}::jsonb`);
  const language = messageLanguageSql('c.language');
  const template =
    q.templateStrategy === 'fixed'
      ? `LEFT JOIN issue_templates t ON t.key = ${param(q.templateKey)}`
      : `LEFT JOIN segment_matches sx ON sx.segment_id = b.segment_id
         LEFT JOIN issue_templates t ON t.key = sx.template_key`;
  const templateVersion = q.templateStrategy === 'fixed' ? 't.version' : 'sx.template_version';
  if (q.templateStrategy === 'approved' && !q.needHandChoice)
    throw new Error('A wave over approved matches needs its segments awaiting a hand (needHandChoice) first');
  // A fixed template was chosen by hand for the whole wave.
  const noClearMatch =
    q.templateStrategy === 'approved' ? `b.segment_id = ANY(${param(q.needHandChoice)}::uuid[])` : 'false';
  const cap = q.frequencyCap;
  const recent = cap
    ? `LEFT JOIN (SELECT x.contact_id, count(*) AS n FROM messages x
         WHERE ${frequencyCapCountsSql('x', param(cap.days))} GROUP BY x.contact_id) f ON f.contact_id = b.contact_id`
    : '';
  const capped = cap ? `COALESCE(f.n, 0) >= ${param(cap.messages)}` : 'false';
  // For the preview: the zones in quiet hours now with the moment they end (`quietZonesSql`, judged once), handed in
  // as parameters like the households, so each contact costs one hash probe and its group one timestamp.
  const quietZones = q.quietZones
    ? `LEFT JOIN unnest(${param(q.quietZones.map((z) => z.name))}::text[],
         ${param(q.quietZones.map((z) => z.until))}::timestamptz[]) AS qz(name, until)
         ON qz.name = ${zoneSql('c.time_zone')}`
    : '';
  const judged = (conditions: string[], quiet = false) => `
    SELECT b.contact_id, b.segment_id, b.language, b.address, t.key AS template_key,
      ${templateVersion} AS template_version, b.status, b.address IS NOT NULL AS has_address,
      b.address IS NOT NULL AND ${suppressedSql('b.address')} AS suppressed, ${capped} AS capped,
      ${noClearMatch} AS no_clear_match
      ${quiet && q.quietHours ? ', b.quiet_until' : ''}
    FROM (
      SELECT c.id AS contact_id, ${segment} AS segment_id, ${language} AS language, ${address} AS address, s.status
        ${quiet && q.quietHours ? ', qz.until AS quiet_until' : ''}
      FROM contacts c ${join}
      LEFT JOIN consent_current s ON s.contact_id = c.id AND s.channel = $1 AND s.purpose = $2
      ${quiet ? quietZones : ''}
      ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
    ) b ${template} ${recent}`;
  return { judged, where, params, param };
}

/** A judged row's facts for the rulebook, before the shared phones and the template are known. */
const personFacts = (r: string): SendFacts => ({
  status: `${r}.status`,
  hasAddress: `${r}.has_address`,
  suppressed: `${r}.suppressed`,
  capped: `${r}.capped`,
});

/** Whether a contact may be messaged at all (consent, address, suppression, cap): NULL when it may. */
function refusedSql(r: string): string {
  return refusalSql(personFacts(r), 'campaign');
}

/** Why a row of facts (one contact, or a group of contacts sharing them) gets nothing; NULL when it may go. */
function exclusionSql(r: string): string {
  return refusalSql(
    {
      ...personFacts(r),
      duplicate: `${r}.duplicate`,
      noClearMatch: `${r}.no_clear_match`,
      templateKey: `${r}.template_key`,
    },
    'campaign',
  );
}
