/**
 * A wave's progress from the groups of its ledger rows (`PROGRESS_SQL`): counts by status, the achieved rate and
 * the expected end (with the messages handed over lately from `SentBucket`s when the groups do not carry them), the messages handed to the provider per time bucket, the failures by code and the skips by
 * reason, each with its meaning in words.
 */
import { failureMeaning } from '../channels/failure-meanings.js';
import { meaningOf } from '../consent/send-rules.js';
import type { MessageStatus } from '../messaging/message.entity.js';
import { LEDGER_CODES } from './ledger.js';

/** One group of a wave's rows, as PROGRESS_SQL returns it. */
export interface LedgerGroup {
  status: MessageStatus;
  code: string | null;
  /** Start (epoch seconds) of the bucket in which they were handed to the provider; null: not handed over. */
  bucket: number | null;
  n: number;
  /** Of them, handed over in the last minute. */
  recent: number;
}

/** Messages handed to the provider in one time bucket (`SENT_BUCKETS_SQL`). */
export interface SentBucket {
  /** Its start, in epoch seconds. */
  bucket: number | null;
  n: number;
  /** Of them, handed over in the last minute. */
  recent: number;
}

/** Bucket sizes a series may use; the smallest that keeps it within MAX_BUCKETS is chosen. */
const BUCKET_SECONDS = [10, 30, 60, 300, 900, 3600, 21600, 86400];
const MAX_BUCKETS = 360;

/** The bucket size for a wave that has been sending for `spanSeconds`: 10 s for its first hour. */
export function bucketSeconds(spanSeconds: number): number {
  return BUCKET_SECONDS.find((b) => spanSeconds / b <= MAX_BUCKETS) ?? BUCKET_SECONDS.at(-1)!;
}

/** The window the achieved rate is measured over: the last minute. */
const RATE_WINDOW_S = 60;

/**
 * Messages handed to the provider per second lately: those of the last minute over the part of that minute the wave
 * has been sending. Over the whole minute, a wave twenty seconds in would look three times slower than it is.
 */
export function achievedRate(handedOverLastMinute: number, sendingSince: Date | null, until: Date): number {
  if (!sendingSince || handedOverLastMinute === 0) return 0;
  const seconds = Math.min(RATE_WINDOW_S, (until.getTime() - sendingSince.getTime()) / 1000);
  return handedOverLastMinute / Math.max(seconds, 1);
}

/** When the messages left will have been handed over at the achieved rate; null: nothing left, or nothing moving. */
export const expectedEnd = (left: number, ratePerSecond: number, now: Date): Date | null =>
  ratePerSecond > 0 && left > 0 ? new Date(now.getTime() + (left / ratePerSecond) * 1000) : null;

/**
 * Counts by status, what is left, the rate achieved lately and the end expected at that rate. The rate is measured
 * over the sending from `sending.from` to `sending.to` (the wave's end, or now), so a finished wave keeps its own.
 */
export function progressOf(
  groups: LedgerGroup[],
  now: Date,
  sending: { from: Date | null; to: Date },
  recent = groups.reduce((s, g) => s + g.recent, 0),
) {
  const byStatus: Partial<Record<MessageStatus, number>> = {};
  for (const g of groups) byStatus[g.status] = (byStatus[g.status] ?? 0) + g.n;
  const left = (byStatus.queued ?? 0) + (byStatus.sending ?? 0);
  const rate = achievedRate(recent, sending.from, sending.to);
  return {
    total: groups.reduce((s, g) => s + g.n, 0),
    byStatus,
    left,
    ratePerSecond: Math.round(rate * 10) / 10,
    expectedEnd: expectedEnd(left, rate, now),
  };
}

/**
 * Messages handed to the provider per bucket of `size` seconds, every bucket from the one the wave started
 * sending in (`from`; null: not yet) to the one of `to`, empty ones included.
 */
export function sentSeries(groups: SentBucket[], size: number, from: Date | null, to: Date) {
  const sent = new Map<number, number>();
  for (const g of groups) if (g.bucket !== null) sent.set(g.bucket, (sent.get(g.bucket) ?? 0) + g.n);
  const floor = (d: Date) => Math.floor(d.getTime() / 1000 / size) * size;
  const edges = [...sent.keys(), ...(from ? [floor(from), floor(to)] : [])];
  const buckets = [];
  if (edges.length)
    for (let at = Math.min(...edges); at <= Math.max(...edges); at += size)
      buckets.push({ at: new Date(at * 1000), sent: sent.get(at) ?? 0 });
  return { bucketSeconds: size, buckets };
}

/** What a failure or skip code means: the ledger's own codes, the rulebook's reasons, the providers' codes. */
export const codeMeaning = (code: string): string => LEDGER_CODES[code] ?? failureMeaning(code);

/** Failed and bounced messages, and those queued again after a transient failure, by error code; most first. */
export function failuresOf(groups: LedgerGroup[]) {
  const byCode = new Map<string, { failed: number; retrying: number }>();
  for (const g of groups) {
    const final = g.status === 'failed' || g.status === 'bounced';
    if (!final && !(g.status === 'queued' && g.code)) continue;
    const code = g.code ?? 'unknown';
    const entry = byCode.get(code) ?? { failed: 0, retrying: 0 };
    if (final) entry.failed += g.n;
    else entry.retrying += g.n;
    byCode.set(code, entry);
  }
  return [...byCode]
    .map(([code, counts]) => ({ code, meaning: codeMeaning(code), ...counts }))
    .sort((a, b) => b.failed + b.retrying - (a.failed + a.retrying) || a.code.localeCompare(b.code));
}

/** Skipped messages by reason (a rule of the rulebook, or the wave's cancellation); most first. */
export function skipsOf(groups: LedgerGroup[]) {
  const byReason = new Map<string, number>();
  for (const g of groups)
    if (g.status === 'skipped')
      byReason.set(g.code ?? 'unknown', (byReason.get(g.code ?? 'unknown') ?? 0) + g.n);
  return [...byReason]
    .map(([reason, count]) => ({ reason, meaning: LEDGER_CODES[reason] ?? meaningOf(reason), count }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}
