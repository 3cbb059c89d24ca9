import type { EntityManager } from 'typeorm';
import { messageLanguage } from '../common/languages.js';
import type { Channel } from '../consent/consent.js';
import type { TemplateContent } from './default-templates.js';
import { numberLinks } from './link-numbers.js';
import { placeholders, placeholdersIn, SAMPLE_FIRST_NAME, sampleOptOutLink } from './placeholders.js';
import { renderMessage } from './render-message.js';
import type { Localized } from './template.entities.js';

/** A template version as a wave's groups and ledger rows name it. */
export interface TemplateRef {
  template_key: string | null;
  template_version: number | null;
}

export const refOf = (r: TemplateRef) => `${r.template_key}@${r.template_version}`;

/** Template content per `key@version`, from the version snapshots (what was approved is what is sent). */
export async function templateContents(
  m: EntityManager,
  refs: TemplateRef[],
): Promise<Map<string, Localized<TemplateContent>>> {
  const rows: { ref: string; content: Localized<TemplateContent> }[] = await m.query(
    `SELECT t.key || '@' || v.version AS ref, v.snapshot -> 'content' AS content
     FROM issue_templates t JOIN issue_template_versions v ON v.template_id = t.id
     WHERE t.key || '@' || v.version = ANY($1)`,
    [[...new Set(refs.map(refOf))]],
  );
  return new Map(rows.map((r) => [r.ref, r.content]));
}

/**
 * The numbered links per `key@version` (index → address). A version saved before links were numbered is numbered
 * here, once, and keeps that list: the redirect reads the targets from it.
 */
export async function templateLinks(m: EntityManager, refs: TemplateRef[]): Promise<Map<string, string[]>> {
  const rows: {
    ref: string;
    id: string;
    version: number;
    links: string[] | null;
    content: Localized<TemplateContent>;
  }[] = await m.query(
    `SELECT t.key || '@' || v.version AS ref, v.template_id AS id, v.version, v.links, v.snapshot -> 'content' AS content
       FROM issue_templates t JOIN issue_template_versions v ON v.template_id = t.id
       WHERE t.key || '@' || v.version = ANY($1)`,
    [[...new Set(refs.map(refOf))]],
  );
  for (const row of rows.filter((r) => r.links === null)) {
    // COALESCE: two workers numbering the same version at once both keep the first list written.
    const [[saved]]: [[{ links: string[] }], number] = await m.query(
      `UPDATE issue_template_versions SET links = COALESCE(links, $3::jsonb) WHERE template_id = $1 AND version = $2
       RETURNING links`,
      [row.id, row.version, JSON.stringify(numberLinks(row.content))],
    );
    row.links = saved.links;
  }
  return new Map(rows.map((r) => [r.ref, r.links!]));
}

/**
 * First name, region name and the event's date and place, per contact (or, `madeUp`, for nobody: key ''). One
 * statement over the contacts and their regions, the other over the event: what a message's placeholders read.
 */
export async function placeholderValues(
  m: EntityManager,
  contactIds: string[],
  eventId: string | null,
  madeUp = false,
): Promise<Map<string, Record<string, string>>> {
  const rows: { id: string; first_name: string | null; region: string | null; language: string }[] =
    await m.query(
      `SELECT c.id, c.first_name, r.name AS region, c.language FROM contacts c
       LEFT JOIN regions r ON r.id = c.region_id WHERE c.id = ANY($1)`,
      [contactIds],
    );
  const event: { starts_at: Date; place: string | null }[] = eventId
    ? await m.query(`SELECT starts_at, place FROM campaign_events WHERE id = $1`, [eventId])
    : [];
  if (madeUp) rows.push({ id: '', first_name: null, region: null, language: 'de' });
  return new Map(rows.map((r) => [r.id, placeholders({ ...r, ...event[0] })]));
}

/**
 * A sample of a message, rendered with the region of `contactId` and the wave's event for a made-up person (a
 * preview shows nobody's personal data); with no contact at all, with no region. Says which placeholders the text
 * uses that came out empty.
 */
export async function renderSample(
  m: EntityManager,
  content: TemplateContent,
  sample: { contactId: string | null; language: string; channel: Channel; eventId: string | null },
  publicUrl: string,
) {
  const { contactId, eventId } = sample;
  const values = contactId
    ? (await placeholderValues(m, [contactId], eventId)).get(contactId)
    : (await placeholderValues(m, [], eventId, true)).get('');
  const filled: Record<string, string> = {
    ...values,
    first_name: SAMPLE_FIRST_NAME[messageLanguage(sample.language)],
    opt_out_link: sampleOptOutLink(publicUrl),
  };
  const texts = sample.channel === 'email' ? [content.subject, content.html, content.text] : [content.sms];
  const empty = placeholdersIn(texts).filter((name) => !filled[name]);
  return { rendered: renderMessage(content, filled), empty };
}
