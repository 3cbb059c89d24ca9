/**
 * A wave's results from its counters (`wave_counts`): per segment × template × version × language, what became of
 * its messages, with rates and their 95 % Wilson intervals. Counts about fewer than SMALL_CELL people describe a
 * person, not a segment: for a role that may not read contacts they are withheld.
 */
import { wilson } from '../common/wilson.js';
import type { MessageStatus } from '../messaging/message.entity.js';

/** Fewer recipients than this in a group: its counts are withheld from roles that may not read contacts. */
export const SMALL_CELL = 5;

/** One counter row of a wave, summed over its shards (`RESULT_COUNTS_SQL`). */
export interface CountRow {
  segment_id: string | null;
  template_key: string | null;
  template_version: number | null;
  language: string | null;
  status: MessageStatus;
  code: string | null;
  /** Handed to the provider and accepted by it (sent_at set). */
  handed: boolean;
  n: number;
}

/** Clicks on one link of a group's template. */
export interface LinkClicks {
  link: number;
  /** The address it leads to, as saved with the template version. */
  url: string | null;
  clicks: number;
  uniqueClicks: number;
}

export interface Counts {
  messages: number;
  handedOver: number;
  delivered: number;
  bounced: number;
  softBounces: number;
  hardBounces: number;
  failed: number;
  complaints: number;
  optOuts: number;
  skipped: number;
  pending: number;
}

export interface Rate {
  count: number;
  of: number;
  rate: number | null;
  low: number | null;
  high: number | null;
}

/**
 * A failure a provider gave up on for a reason that was temporary (a full mailbox, a server that kept deferring):
 * a soft bounce. SMTP says so with a 4xx code.
 */
export const isSoftBounce = (status: MessageStatus, code: string | null) =>
  status === 'failed' && code !== null && /^smtp-4\d\d$/.test(code);

const emptyCounts = (): Counts => ({
  messages: 0,
  handedOver: 0,
  delivered: 0,
  bounced: 0,
  softBounces: 0,
  hardBounces: 0,
  failed: 0,
  complaints: 0,
  optOuts: 0,
  skipped: 0,
  pending: 0,
});

/** Adds one counter row to `counts`. */
function add(counts: Counts, row: CountRow) {
  const n = row.n;
  counts.messages += n;
  if (row.handed) counts.handedOver += n;
  if (row.status === 'delivered') counts.delivered += n;
  else if (row.status === 'bounced') counts.hardBounces += n;
  else if (isSoftBounce(row.status, row.code)) counts.softBounces += n;
  else if (row.status === 'failed') counts.failed += n;
  else if (row.status === 'skipped') counts.skipped += n;
  else if (row.status === 'queued' || row.status === 'sending') counts.pending += n;
  counts.bounced = counts.softBounces + counts.hardBounces;
}

/** Messages whose hand-over was tried and came to an end: what delivery and bounce rates are out of. */
const attempted = (c: Counts) => c.messages - c.skipped - c.pending;

export const rateOf = (count: number, of: number): Rate => ({ count, of, ...wilson(count, of) });

/** The rates of a group, each with its count, what it is out of, and its 95 % interval. */
export function ratesOf(c: Counts) {
  return {
    delivered: rateOf(c.delivered, attempted(c)),
    bounced: rateOf(c.bounced, attempted(c)),
    failed: rateOf(c.failed, attempted(c)),
    complaints: rateOf(c.complaints, c.handedOver),
    optOuts: rateOf(c.optOuts, c.handedOver),
  };
}

export interface GroupKey {
  segmentId: string | null;
  template: string | null;
  version: number | null;
  language: string | null;
}

const keyOf = (row: CountRow): GroupKey => ({
  segmentId: row.segment_id,
  template: row.template_key,
  version: row.template_version,
  language: row.language,
});
const keyText = (k: GroupKey) => JSON.stringify([k.segmentId, k.template, k.version, k.language]);

/** The counter rows of a wave as groups (segment × template × version × language) and its totals. */
export function groupCounts(rows: CountRow[]) {
  const groups = new Map<string, { key: GroupKey; counts: Counts }>();
  const totals = emptyCounts();
  for (const row of rows) {
    const key = keyOf(row);
    const entry = groups.get(keyText(key)) ?? { key, counts: emptyCounts() };
    add(entry.counts, row);
    add(totals, row);
    groups.set(keyText(key), entry);
  }
  return { totals, groups: [...groups.values()] };
}

/**
 * Whether a group's counts are withheld from a viewer (`mayReadContacts`: may the viewer read contacts?). Its
 * recipients are the messages the wave sends or sent: a group of 40 rows of which 39 were skipped is about one person.
 */
export const withheld = (counts: Counts, mayReadContacts: boolean) =>
  !mayReadContacts && counts.messages - counts.skipped < SMALL_CELL;

/**
 * Which groups' counts are withheld from a viewer, so that none can be worked out from the totals either: the small
 * ones (`withheld`), and then, while the withheld together are one group or fewer than SMALL_CELL recipients, the
 * next smallest others too (what the totals minus the shown groups give is then about a few groups, not a person).
 */
export function withheldGroups(groups: Counts[], mayReadContacts: boolean): boolean[] {
  const hidden = groups.map((c) => withheld(c, mayReadContacts));
  const size = (i: number) => groups[i].messages - groups[i].skipped;
  const shownBySize = groups
    .map((_, i) => i)
    .filter((i) => !hidden[i])
    .sort((a, b) => size(a) - size(b));
  const together = () => hidden.reduce((n, h, i) => n + (h ? size(i) : 0), 0);
  const count = () => hidden.filter(Boolean).length;
  while (count() > 0 && (count() < 2 || together() < SMALL_CELL) && shownBySize.length)
    hidden[shownBySize.shift()!] = true;
  return hidden;
}

/** Series buckets: per minute while a wave sends, per hour once it has stopped. */
export const seriesStep = (sending: boolean): 'minute' | 'hour' => (sending ? 'minute' : 'hour');

/** One cell of the campaign view: a segment × issue (template) over all the waves of a segmentation. */
export interface CampaignCell {
  segmentId: string | null;
  template: string | null;
  counts: Counts;
  /** Messages with at least one tracked link clicked. */
  clickers: number;
  waveIds: string[];
}

/** A cell as a viewer sees it: `merged` names the issues of a segment put together because each was too small. */
export type ShownCell = CampaignCell & { merged: string[] | null; suppressed: boolean };

const recipients = (c: Counts) => c.messages - c.skipped;

function sum(cells: CampaignCell[]): CampaignCell {
  const counts = emptyCounts();
  for (const c of cells) for (const k of Object.keys(counts) as (keyof Counts)[]) counts[k] += c.counts[k];
  return {
    segmentId: cells[0].segmentId,
    template: null,
    counts,
    clickers: cells.reduce((s, c) => s + c.clickers, 0),
    waveIds: [...new Set(cells.flatMap((c) => c.waveIds))],
  };
}

/**
 * The campaign view's cells for a viewer. One who may read contacts sees every cell. For anyone else, the cells of a
 * segment with fewer than SMALL_CELL recipients are merged into one cell of that segment (`template` null, `merged`
 * their issues); when even that one is too small, it is withheld (`suppressed`).
 */
export function campaignCells(cells: CampaignCell[], mayReadContacts: boolean): ShownCell[] {
  if (mayReadContacts) return cells.map((c) => ({ ...c, merged: null, suppressed: false }));
  const shown: ShownCell[] = [];
  const small = new Map<string | null, CampaignCell[]>();
  for (const c of cells) {
    if (recipients(c.counts) >= SMALL_CELL) shown.push({ ...c, merged: null, suppressed: false });
    else small.set(c.segmentId, [...(small.get(c.segmentId) ?? []), c]);
  }
  for (const group of small.values()) {
    const merged = sum(group);
    shown.push({
      ...merged,
      merged: group.map((c) => c.template ?? '').sort(),
      suppressed: recipients(merged.counts) < SMALL_CELL,
    });
  }
  return shown;
}
