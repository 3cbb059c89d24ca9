/**
 * The message ledger's statements, each with what it is for, and the row types they return: one place for every
 * statement that writes or reads `messages` as the queue. The dispatcher runs the hand-over, the answers and the
 * recovery on its own pool (prepared); the waves service runs the others in its transactions.
 */
import type { Env } from '../config/config.js';
import { addressSql } from '../consent/addresses.js';
import { ANALYTICS_PURPOSE, type Channel } from '../consent/consent.js';
import {
  frequencyCapCountsSql,
  inQuietHoursSql,
  localTimeSql,
  quietHoursEndSql,
  refusalSql,
  suppressedSql,
  zoneSql,
} from '../consent/send-rules.js';
import type { FailureClass } from '../channels/delivery.js';
import type { MessageKind } from '../messaging/message.entity.js';
import type { PlaceholderSource } from '../templates/placeholders.js';

/** A ledger row as the hand-over statement returns it, with what its message needs. */
export interface HandedOver extends PlaceholderSource {
  id: string;
  wave_id: string | null;
  kind: MessageKind;
  contact_id: string;
  purpose: string;
  template_key: string | null;
  template_version: number | null;
  segment_id: string | null;
  /** A campaign message to a person who gave the analytics consent on its channel: its clicks name it. */
  analytics: boolean;
  /** A confirmation's purposes still requested. */
  requested: string[] | null;
  language: 'de' | 'en';
  /** Attempts including this one. */
  attempts: number;
  /** The lease it was claimed under, as text (exact to the microsecond): it tells this claim from a later one. */
  lease: string | null;
  /** `send`, `defer` (quiet hours), or the reason it is skipped. */
  decision: string;
  address: string | null;
}

/** A provider's answer, waiting to be written with the next hand-over. */
export interface Answer {
  id: string;
  status: 'sent' | 'queued' | 'bounced' | 'failed';
  providerId: string | null;
  failure: FailureClass | null;
  code: string | null;
  reason: string | null;
  backoffSeconds: number;
}

/**
 * Writes a wave's rows from its judged audience (`audience`, the audience SELECT with `n` parameters; then the wave
 * and its start): one row per contact, queued or skipped with the reason, idempotent thanks to the unique (wave,
 * contact), in contact order with time-ordered ids so that the rows append to the indexes.
 */
export const materialiseSql = (audience: string, n: number) =>
  `INSERT INTO messages (id, kind, wave_id, contact_id, segment_id, channel, purpose, template_key,
         template_version, language, status, error_code, due_at)
       SELECT ledger_id(), 'campaign', $${n + 1}, contact_id, segment_id, $1, $2, template_key, template_version, language,
         CASE WHEN excluded IS NULL THEN 'queued' ELSE 'skipped' END, excluded, COALESCE($${n + 2}::timestamptz, now())
       FROM (SELECT contact_id, segment_id, template_key, template_version, language, excluded
         FROM (${audience}) a ORDER BY contact_id) sorted
       ON CONFLICT (wave_id, contact_id) WHERE wave_id IS NOT NULL DO NOTHING`;

/** The ledger's own codes for a message that did not simply go out, with their meanings. */
export const LEDGER_CODES: Record<string, string> = {
  ambiguous:
    'its hand-over to the provider had begun when its worker stopped, so it may have gone out; not resent, so that nobody gets it twice',
  unrecordable:
    "the provider's answer could not be recorded; the row keeps its outcome without the provider's data",
  internal: 'the service failed while handing the message over',
  cancelled: 'the wave was cancelled before the message went out',
};

/**
 * A wave's messages by status and error code, from its counters (`wave_counts`, kept by triggers on `messages` in
 * each changing statement): as cheap for a million messages as for ten.
 */
export const PROGRESS_SQL = `SELECT status, code, NULL::float8 AS bucket, sum(n)::int AS n, 0 AS recent
       FROM wave_counts WHERE wave_id = $1 GROUP BY status, code HAVING sum(n) <> 0`;

/**
 * A wave's messages handed to the provider per bucket of `$2` seconds (epoch seconds of its start), from the 10-second
 * counters (`wave_count_times`), with how many of them in the last minute: the oldest bucket that reaches into that
 * minute counts for the part of it inside.
 */
export const SENT_BUCKETS_SQL = `SELECT (floor(extract(epoch FROM bucket) / $2::int) * $2::int)::float8 AS bucket,
         sum(n)::int AS n,
         sum(n * greatest(0, least(1, extract(epoch FROM bucket + interval '10 seconds' - (now() - interval '60 seconds')) / 10)))::float8 AS recent
       FROM wave_count_times WHERE wave_id = $1 GROUP BY 1 HAVING sum(n) <> 0`;

/** A wave's counters per segment × template × version × language × status × code × handed over, shards summed. */
export const RESULT_COUNTS_SQL = `SELECT segment_id, template_key, template_version, language, status, code, handed,
         sum(n)::int AS n
       FROM wave_counts WHERE wave_id = $1 GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(n) <> 0`;

/**
 * A wave's messages handed to the provider per `$2` (minute or hour), with how many of those are now delivered and
 * bounced, from the 10-second counters.
 */
export const RESULT_SERIES_SQL = `SELECT date_trunc($2, bucket) AS at, sum(n)::int AS "handedOver",
         COALESCE(sum(n) FILTER (WHERE status = 'delivered'), 0)::int AS delivered,
         COALESCE(sum(n) FILTER (WHERE status = 'bounced'), 0)::int AS bounced
       FROM wave_count_times WHERE wave_id = $1 GROUP BY 1 HAVING sum(n) <> 0 ORDER BY 1`;

/** Cancel: every row of the wave still waiting is skipped as cancelled (rows with the provider finish). */
export const CANCEL_SQL = `UPDATE messages SET status = 'skipped', error_code = 'cancelled' WHERE wave_id = $1 AND status = 'queued'`;

/** A page of a wave's rows, with the total. */
export const MESSAGES_PAGE_SQL = `SELECT id, contact_id AS "contactId", segment_id AS "segmentId", status, template_key AS "templateKey",
         template_version AS "templateVersion", language, attempts, error_code AS "errorCode", error,
         provider_id AS "providerId", due_at AS "dueAt", sent_at AS "sentAt", count(*) OVER ()::int AS total
       FROM messages WHERE wave_id = $1 AND ($2::text IS NULL OR status = $2)
       ORDER BY created_at, id LIMIT $3 OFFSET $4`;

/**
 * The dispatcher's one statement per lane: writes the answers (`$4`…`$9`), takes up to `want` due rows (FOR UPDATE
 * SKIP LOCKED), runs the rulebook's last check on each and marks those to send `sending` under a lease (`$1` the
 * worker, `$2` the channel, `$3` the lease in seconds), deferring those in quiet hours. A claimed row's hand-over has
 * not begun (`handed_over_at` empty) until `MARK_HANDED_OVER_SQL`.
 */
export function handOverSql(env: Env, channel: Channel, want: number): string {
  const address = addressSql(channel);
  const cap = env.frequencyCap;
  const quiet = env.quietHours[channel];
  // The last check, from the rulebook: the facts of each due row, then the first rule that holds.
  const refusal = refusalSql(
    {
      kind: 'kind',
      contact: 'contact',
      cutoff: 'cutoff_at',
      status: 'status',
      requested: 'requested',
      hasAddress: '(address IS NOT NULL)',
      suppressed: 'suppressed',
      capped: cap ? `(recent >= ${cap.messages})` : 'false',
    },
    'any',
  );
  return `WITH answered AS (
         UPDATE messages m SET status = a.status, provider_id = a.provider_id,
           sent_at = CASE WHEN a.status = 'sent' THEN now() ELSE m.sent_at END,
           error_code = a.error_code, error = a.error, lease_until = NULL, claimed_by = NULL,
           due_at = CASE WHEN a.status = 'queued' THEN now() + make_interval(secs => a.backoff) ELSE m.due_at END,
           updated_at = now()
         FROM unnest($4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[], $9::float8[])
           AS a(id, status, provider_id, error_code, error, backoff)
         WHERE m.id = a.id AND m.status = 'sending' AND m.claimed_by = $1
       ), due AS (
         SELECT x.id FROM messages x LEFT JOIN waves w ON w.id = x.wave_id
         WHERE x.status = 'queued' AND x.channel = $2 AND x.due_at <= now()
           AND (x.wave_id IS NULL OR w.status = 'sending')
         ORDER BY x.due_at, x.id LIMIT ${Math.trunc(want)} FOR UPDATE OF x SKIP LOCKED
       ), target AS MATERIALIZED (
         SELECT m.id, m.kind, w.cutoff_at, c.id AS contact, c.time_zone, ${address} AS address, c.first_name,
           r.name AS region, e.starts_at, e.place, s.status, rq.purposes AS requested,
           ${address} IS NOT NULL AND ${suppressedSql(address)} AS suppressed,
           ${
             cap
               ? `CASE WHEN m.kind = 'campaign' THEN (SELECT count(*) FROM messages x
                   WHERE x.contact_id = m.contact_id AND ${frequencyCapCountsSql('x', String(cap.days))}) END`
               : 'NULL::bigint'
           } AS recent,
           ${localTimeSql('c.time_zone')} AS local,
           m.kind = 'campaign' AND EXISTS (SELECT 1 FROM consent_state a WHERE a.contact_id = c.id
             AND a.channel = m.channel AND a.purpose = '${ANALYTICS_PURPOSE}' AND a.status = 'confirmed') AS analytics
         FROM due JOIN messages m ON m.id = due.id LEFT JOIN waves w ON w.id = m.wave_id
         LEFT JOIN campaign_events e ON e.id = w.event_id
         LEFT JOIN contacts c ON c.id = m.contact_id
         LEFT JOIN regions r ON r.id = c.region_id
         LEFT JOIN consent_current s ON s.contact_id = c.id AND s.channel = m.channel AND s.purpose = m.purpose
         LEFT JOIN LATERAL (SELECT array_agg(q.purpose ORDER BY q.purpose) AS purposes FROM consent_current q
           WHERE m.kind = 'confirmation' AND q.contact_id = c.id AND q.channel = m.channel AND q.status = 'requested'
         ) rq ON true
       ), decided AS MATERIALIZED (
         SELECT *, COALESCE(${refusal},
             CASE WHEN ${inQuietHoursSql('local', quiet)} THEN 'defer' END, 'send') AS decision
         FROM target
       )
       UPDATE messages m SET
         status = CASE d.decision WHEN 'send' THEN 'sending' WHEN 'defer' THEN 'queued' ELSE 'skipped' END,
         error_code = CASE WHEN d.decision IN ('send', 'defer') THEN m.error_code ELSE d.decision END,
         address = CASE WHEN d.decision = 'send' THEN d.address END,
         contact_id = d.contact,
         attempts = m.attempts + CASE WHEN d.decision = 'send' THEN 1 ELSE 0 END,
         due_at = CASE WHEN d.decision = 'defer' THEN ${quietHoursEndSql('d.local', zoneSql('d.time_zone'), quiet)}
           ELSE m.due_at END,
         claimed_by = CASE WHEN d.decision = 'send' THEN $1 END,
         lease_until = CASE WHEN d.decision = 'send' THEN now() + make_interval(secs => $3) END,
         handed_over_at = CASE WHEN d.decision = 'send' THEN NULL ELSE m.handed_over_at END,
         updated_at = now()
       FROM decided d WHERE m.id = d.id
       RETURNING m.id, m.wave_id, m.kind, m.contact_id, m.purpose, m.template_key, m.template_version, m.language,
         m.segment_id, d.analytics, m.attempts, m.lease_until::text AS lease, d.decision, d.address, d.first_name, d.region, d.starts_at, d.place, d.requested`;
}

/** The parameters of `handOverSql`. */
export const handOverValues = (worker: string, channel: Channel, leaseSeconds: number, answers: Answer[]) => [
  worker,
  channel,
  leaseSeconds,
  answers.map((a) => a.id),
  answers.map((a) => a.status),
  answers.map((a) => a.providerId),
  answers.map((a) => a.code),
  answers.map((a) => a.reason),
  answers.map((a) => a.backoffSeconds),
];

/**
 * The hand-over mark (`$1` the rows, `$2` the worker, `$3` the lease they were claimed under), written with a durable
 * commit after a lane's messages are rendered and right before the provider is called: from then on a message may
 * have left. Only rows still held by that very claim, its lease running, are marked, and only those are sent; a row
 * recovered meanwhile (and perhaps claimed again, even by the same worker) is not. Those, and all of them if this
 * statement fails, stay unmarked and go back to the queue when recovered.
 */
export const MARK_HANDED_OVER_SQL = `UPDATE messages SET handed_over_at = now()
       WHERE id = ANY($1::uuid[]) AND status = 'sending' AND claimed_by = $2 AND lease_until = $3::timestamptz
         AND lease_until > now()
       RETURNING id`;

/** One answer the hand-over could not write, recorded alone in its definite state without the provider's data. */
export const RECORD_ALONE_SQL = `UPDATE messages SET status = $3, sent_at = CASE WHEN $3 = 'sent' THEN now() END,
             error_code = 'unrecordable', error = $4, lease_until = NULL, claimed_by = NULL, updated_at = now()
           WHERE id = $1 AND status = 'sending' AND claimed_by = $2`;

/** Waves with nothing left queued or sending are completed. */
export const COMPLETE_WAVES_SQL = `UPDATE waves w SET status = 'completed', completed_at = now(), updated_at = now()
       WHERE w.status = 'sending' AND w.launched_at IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.wave_id = w.id AND m.status IN ('queued', 'sending'))`;

/**
 * Rows left `sending` by a stopped worker: those whose lease ran out (or that never had one), or with `own` this
 * worker's rows at its start (same WORKER_NAME, `$1`), with no wait. One whose hand-over had not begun cannot have
 * left: it goes back to the queue as it was before its claim (attempt and address undone), or is skipped if its wave
 * was cancelled meanwhile. One whose hand-over had begun is ambiguous: failed, never resent. Returns `ambiguous` for
 * each row.
 */
export const recoverSql = (own: boolean) => {
  const cancelled = `EXISTS (SELECT 1 FROM waves w WHERE w.id = m.wave_id AND w.status = 'cancelled')`;
  return `UPDATE messages m SET
         status = CASE WHEN m.handed_over_at IS NOT NULL THEN 'failed' WHEN ${cancelled} THEN 'skipped' ELSE 'queued' END,
         error_code = CASE WHEN m.handed_over_at IS NOT NULL THEN 'ambiguous'
           WHEN ${cancelled} THEN 'cancelled' ELSE m.error_code END,
         error = CASE WHEN m.handed_over_at IS NOT NULL THEN '${LEDGER_CODES.ambiguous}' ELSE m.error END,
         attempts = CASE WHEN m.handed_over_at IS NOT NULL THEN m.attempts ELSE greatest(m.attempts - 1, 0) END,
         address = CASE WHEN m.handed_over_at IS NOT NULL THEN m.address END,
         claimed_by = NULL, lease_until = NULL, updated_at = now()
       WHERE m.status = 'sending' AND ${own ? `m.claimed_by = $1` : `(m.lease_until IS NULL OR m.lease_until < now())`}
       RETURNING m.handed_over_at IS NOT NULL AS ambiguous`;
};
