import type { Channel } from '../consent/consent.js';
import { campaignRefusalSql } from '../consent/consent-gate.js';
import type { Audience } from './wave.entities.js';

/** Why a contact of the audience gets nothing, in the order the preview reports the steps. */
export const EXCLUSIONS = [
  'no-consent',
  'requested',
  'withdrawn',
  'no-address',
  'suppressed',
  'frequency-cap',
  'duplicate-address',
  'no-template',
] as const;
export type Exclusion = (typeof EXCLUSIONS)[number];

export interface AudienceQuery {
  channel: Channel;
  purpose: string;
  audience: Audience;
  /** Region runs reach contacts through their region; contact runs list contacts directly. */
  runTarget: 'regions' | 'contacts' | null;
  templateStrategy: 'approved' | 'fixed';
  templateKey: string | null;
  /** Regions (with their sub-regions) an event concerns, on top of the audience's own. */
  eventRegionIds?: string[];
  frequencyCap: { messages: number; days: number } | null;
}

/**
 * One SELECT that judges every contact of the audience: `contact_id, segment_id, language, address, template_key,
 * template_version, excluded` (NULL when the message may go). Set-based, so preview and launch cost one pass over
 * the contacts whatever their number.
 */
export function audienceSql(q: AudienceQuery): { sql: string; params: unknown[] } {
  const params: unknown[] = [q.channel, q.purpose];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const address = q.channel === 'email' ? 'c.email' : 'c.phone';
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
  const language = `CASE WHEN c.language = 'de' THEN 'de' ELSE 'en' END`;
  const template =
    q.templateStrategy === 'fixed'
      ? `LEFT JOIN issue_templates t ON t.key = ${param(q.templateKey)}`
      : `LEFT JOIN segment_matches sx ON sx.segment_id = b.segment_id
         LEFT JOIN issue_templates t ON t.key = sx.template_key`;
  const templateVersion = q.templateStrategy === 'fixed' ? 't.version' : 'sx.template_version';
  const cap = q.frequencyCap;
  const recent = cap
    ? `LEFT JOIN (SELECT contact_id, count(*) AS n FROM messages
         WHERE status IN ('sending', 'sent', 'delivered') AND sent_at > now() - make_interval(days => ${param(cap.days)})
         GROUP BY contact_id) f ON f.contact_id = b.contact_id`
    : '';
  // Emails are unique per contact; a phone may be shared (a household), and then only its first contact gets it.
  const duplicates =
    q.channel === 'sms'
      ? `LEFT JOIN (SELECT address, min(contact_id::text) AS first FROM judged WHERE refused IS NULL
           GROUP BY address HAVING count(*) > 1) d ON d.address = j.address`
      : '';
  const sql = `
    WITH base AS (
      SELECT c.id AS contact_id, ${segment} AS segment_id, ${language} AS language, ${address} AS address,
        s.status
      FROM contacts c ${join}
      LEFT JOIN consent_current s ON s.contact_id = c.id AND s.channel = $1 AND s.purpose = $2
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ), judged AS (
      SELECT b.contact_id, b.segment_id, b.language, b.address, t.key AS template_key,
        ${templateVersion} AS template_version,
        COALESCE(${campaignRefusalSql('b.status', 'b.address')},
          ${cap ? `CASE WHEN COALESCE(f.n, 0) >= ${param(cap.messages)} THEN 'frequency-cap' END` : 'NULL'}) AS refused
      FROM base b ${template} ${recent}
    )
    SELECT j.contact_id, j.segment_id, j.language, j.address, j.template_key, j.template_version,
      COALESCE(j.refused,
        ${duplicates ? `CASE WHEN d.first IS NOT NULL AND d.first <> j.contact_id::text THEN 'duplicate-address' END,` : ''}
        CASE WHEN j.template_key IS NULL THEN 'no-template' END) AS excluded
    FROM judged j ${duplicates}`;
  return { sql, params };
}

export function parseFrequencyCap(text: string): { messages: number; days: number } | null {
  if (text === 'off') return null;
  const [messages, days] = text.split('/').map(Number);
  return { messages, days };
}
