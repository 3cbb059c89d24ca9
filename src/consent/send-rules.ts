/**
 * The rulebook: every step that can stop a message, in the order it is applied (the first that holds is the
 * reason), each with its meaning in words and its SQL. The preview's exclusion steps, the launch's skip reasons,
 * the dispatcher's last check before each message and the gate for a single message are all built from it, so the
 * number a person approves in a preview is the number that goes out, and a new rule is written once, here.
 *
 * A rule reads facts about the row it judges (SQL expressions given by the caller); a fact a stage does not know is
 * left out, and the rules that need it are not judged there (the preview knows no cut-off; the dispatcher knows no
 * template choice, which the launch already made).
 */
import type { QuietHours } from '../config/config.js';

/** A campaign message needs confirmed consent; a confirmation message asks for it and goes out at most once a while. */
export type MessageKindJudged = 'campaign' | 'confirmation';
export type SendKind = MessageKindJudged;

/** SQL expressions over the row being judged. */
export interface SendFacts {
  /** The message's kind (`messages.kind`), where one statement judges both kinds. */
  kind?: string;
  /** The contact's id, NULL once erased (the ledger keeps rows of erased people). */
  contact?: string;
  /** The wave's cut-off, NULL when it has none. */
  cutoff?: string;
  /** The current consent for the channel and the message's purpose, NULL when none was ever given. */
  status?: string;
  /** A confirmation's purposes still only requested, NULL when there are none. */
  requested?: string;
  hasAddress: string;
  suppressed: string;
  /** Whether the contact has reached the frequency cap (`frequencyCapCountsSql`). */
  capped?: string;
  /** Whether another contact of the audience gets the message for this address (a shared phone). */
  duplicate?: string;
  /**
   * Whether the contact's segment has no clear match (its best template scores below MATCH_MIN_SCORE) and waits for
   * a strategist to choose a template by hand (`needsHandChoice`), in a wave over approved matches.
   */
  noClearMatch?: string;
  /** The template the message would use, NULL when none was chosen or approved. */
  templateKey?: string;
  /** Whether a confirmation request already went, or is on its way (`confirmationAskedSql`). */
  confirmationSent?: string;
}

interface SendRule {
  reason: string;
  meaning: string;
  kinds: readonly MessageKindJudged[];
  holds: (f: SendFacts) => string | undefined;
}

const BOTH = ['campaign', 'confirmation'] as const;
const CAMPAIGN = ['campaign'] as const;
const CONFIRMATION = ['confirmation'] as const;
const when = (fact: string | undefined, sql: (x: string) => string) =>
  fact === undefined ? undefined : sql(fact);

export const SEND_RULES = [
  {
    reason: 'cut-off',
    meaning: "the event's cut-off has passed: nothing more goes out for it",
    kinds: CAMPAIGN,
    holds: (f) => when(f.cutoff, (x) => `(${x} IS NOT NULL AND now() > ${x})`),
  },
  {
    reason: 'erased',
    meaning: 'the person has been erased',
    kinds: BOTH,
    holds: (f) => when(f.contact, (x) => `${x} IS NULL`),
  },
  {
    reason: 'no-consent',
    meaning: 'no consent was ever given for this channel and purpose',
    kinds: CAMPAIGN,
    holds: (f) => when(f.status, (x) => `${x} IS NULL`),
  },
  {
    reason: 'requested',
    meaning: 'consent is only requested: the double opt-in is not confirmed yet',
    kinds: CAMPAIGN,
    holds: (f) => when(f.status, (x) => `${x} = 'requested'`),
  },
  {
    reason: 'withdrawn',
    meaning: 'the person withdrew consent for this channel and purpose',
    kinds: CAMPAIGN,
    holds: (f) => when(f.status, (x) => `${x} = 'withdrawn'`),
  },
  {
    reason: 'not-requested',
    meaning: 'nothing is waiting for confirmation on this channel',
    kinds: CONFIRMATION,
    holds: (f) => when(f.requested, (x) => `${x} IS NULL`),
  },
  {
    reason: 'no-address',
    meaning: 'no email address or phone number for the channel',
    kinds: BOTH,
    holds: (f) => `NOT ${f.hasAddress}`,
  },
  {
    reason: 'suppressed',
    meaning: 'the address belongs to an erased person (suppression list)',
    kinds: BOTH,
    holds: (f) => f.suppressed,
  },
  {
    reason: 'confirmation-already-sent',
    meaning:
      'the person was already asked to confirm on this channel: at most one request goes out, a second only when staff ask again',
    kinds: CONFIRMATION,
    holds: (f) => f.confirmationSent,
  },
  {
    reason: 'frequency-cap',
    meaning:
      'the contact already had as many campaign messages as one person may get within the frequency cap’s window',
    kinds: CAMPAIGN,
    holds: (f) => f.capped,
  },
  {
    reason: 'duplicate-address',
    meaning: 'another contact of the audience gets the message on this shared phone',
    kinds: CAMPAIGN,
    holds: (f) => f.duplicate,
  },
  {
    reason: 'no-clear-match',
    meaning:
      'no template fits the segment clearly (even the best scores below the clear-match threshold) and no strategist chose one by hand',
    kinds: CAMPAIGN,
    holds: (f) => f.noClearMatch,
  },
  {
    reason: 'no-template',
    meaning: 'no template was chosen or approved for the segment',
    kinds: CAMPAIGN,
    holds: (f) => when(f.templateKey, (x) => `${x} IS NULL`),
  },
] as const satisfies readonly SendRule[];

export type Refusal = (typeof SEND_RULES)[number]['reason'];
export const REFUSALS: Refusal[] = SEND_RULES.map<Refusal>((r) => r.reason);

export type GateDecision = { allowed: true } | { allowed: false; reason: Refusal };

/** The steps a wave's preview reports, in order: the campaign rules it can judge before anything is sent. */
export const EXCLUSIONS = SEND_RULES.filter(
  (r) =>
    (r.kinds as readonly string[]).includes('campaign') && r.reason !== 'cut-off' && r.reason !== 'erased',
).map((r) => r.reason);
export type Exclusion = (typeof EXCLUSIONS)[number];

/** Not a refusal: the message waits for the end of quiet hours in the contact's zone and goes then. */
export const QUIET_HOURS = {
  reason: 'quiet-hours',
  meaning: "deferred to the end of quiet hours in the contact's time zone, then sent",
} as const;

export const meaningOf = (reason: string): string =>
  [...SEND_RULES, QUIET_HOURS].find((r) => r.reason === reason)?.meaning ?? reason;

/**
 * The reason a row is refused, or NULL when the message may go: one CASE over the rules that judge `kind` (a kind,
 * or, with `facts.kind`, both kinds in one statement) and whose facts are given.
 */
export function refusalSql(facts: SendFacts, kind: MessageKindJudged | 'any'): string {
  const arms = SEND_RULES.flatMap((rule) => {
    const condition = rule.holds(facts);
    if (condition === undefined) return [];
    const kinds = rule.kinds as readonly MessageKindJudged[];
    if (kind !== 'any') return kinds.includes(kind) ? [`WHEN ${condition} THEN '${rule.reason}'`] : [];
    if (kinds.length === 2) return [`WHEN ${condition} THEN '${rule.reason}'`];
    if (!facts.kind) throw new Error('judging both kinds needs the kind fact');
    return [`WHEN ${facts.kind} = '${kinds[0]}' AND ${condition} THEN '${rule.reason}'`];
  });
  return `CASE\n    ${arms.join('\n    ')}\n  END`;
}

/**
 * Whether an address is on the suppression list. The first test spares the hashing while the list is empty; `IN`
 * lets the planner probe the primary key for a few addresses or hash the list once for a million, in parallel workers.
 */
export function suppressedSql(address: string): string {
  return `((SELECT EXISTS (SELECT 1 FROM suppressions))
    AND suppression_hash(${address}) IN (SELECT hash FROM suppressions))`;
}

/**
 * Whether a ledger row `x` counts for the frequency cap: a campaign message on its way or gone within the window
 * (`days`, SQL). One definition for the preview and the dispatcher: a message handed to the provider counts from the
 * moment it is handed over (its `sent_at` is still empty then).
 */
export function frequencyCapCountsSql(x: string, days: string): string {
  return `(${x}.kind = 'campaign' AND ${x}.status IN ('sending', 'sent', 'delivered')
    AND COALESCE(${x}.sent_at, ${x}.updated_at) > now() - make_interval(days => ${days}))`;
}

/**
 * Whether a ledger row `m` is a confirmation request that counts as asking: one that is waiting, going or gone, or
 * that may have gone (ambiguous). One that failed for sure or was skipped leaves room for another.
 */
export function confirmationCountsSql(m: string): string {
  return `(${m}.kind = 'confirmation' AND (${m}.status IN ('queued', 'sending', 'sent', 'delivered')
    OR (${m}.status = 'failed' AND ${m}.error_code = 'ambiguous')))`;
}

/**
 * Whether the contact `contact` was asked to confirm on the channel `channel` (both SQL): a request counts from the
 * moment it is queued (`confirmationCountsSql`); with `onlyPending`, only one still waiting or going counts (a
 * second ask by staff may follow one that went, never one still on its way).
 */
export function confirmationAskedSql(contact: string, channel: string, onlyPending = false): string {
  return `EXISTS (SELECT 1 FROM messages m WHERE m.contact_id = ${contact} AND m.channel = ${channel}
    AND ${onlyPending ? `m.kind = 'confirmation' AND m.status IN ('queued', 'sending')` : confirmationCountsSql('m')})`;
}

/** Whether the local time `local` (a timestamp without zone) lies in quiet hours; `false` when there are none. */
export function inQuietHoursSql(local: string, hours: QuietHours | null): string {
  if (!hours) return 'false';
  const hour = `extract(hour FROM ${local})`;
  return hours.from > hours.to
    ? `(${hour} >= ${hours.from} OR ${hour} < ${hours.to})`
    : `(${hour} >= ${hours.from} AND ${hour} < ${hours.to})`;
}

/** The moment quiet hours end after local time `local` in zone `zone` (both SQL), as a timestamptz. */
export function quietHoursEndSql(local: string, zone: string, hours: QuietHours | null): string {
  if (!hours) return 'now()';
  const end = `(date_trunc('day', ${local}) + make_interval(hours => ${hours.to}))`;
  return `((${end} + CASE WHEN ${end} <= ${local} THEN interval '1 day' ELSE interval '0' END) AT TIME ZONE ${zone})`;
}

/** The contact's local time now, and its zone (UTC where it has none). */
export const localTimeSql = (zone: string) => `(now() AT TIME ZONE COALESCE(${zone}, 'UTC'))`;
export const zoneSql = (zone: string) => `COALESCE(${zone}, 'UTC')`;
