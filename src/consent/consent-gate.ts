import type { ConsentStatus } from './consent.js';

/** A campaign message needs confirmed consent; a confirmation message asks for it and goes out at most once a while. */
export type SendKind = 'campaign' | 'confirmation';

export const REFUSALS = [
  'unknown-contact',
  'no-consent',
  'requested',
  'withdrawn',
  'no-address',
  'suppressed',
  'not-requested',
  'confirmation-already-sent',
] as const;
export type Refusal = (typeof REFUSALS)[number];

export type GateDecision = { allowed: true } | { allowed: false; reason: Refusal };

/**
 * The campaign rule, in SQL so that one definition serves a single send, a wave's last check before each message
 * and a preview over a million contacts: the refusal, or NULL when the message may go. `status` is the current
 * consent for the channel and purpose (NULL when none was ever given), `address` the channel's address.
 */
export function campaignRefusalSql(status: string, address: string): string {
  return refusalOfFactsSql(status, `${address} IS NOT NULL`, suppressedSql(address));
}

/**
 * The confirmation rule, at the moment of sending: it asks about the purposes still only requested (`requested`, an
 * array, NULL when none is), so none left means nothing to ask.
 */
export function confirmationRefusalSql(requested: string, address: string): string {
  return `CASE
    WHEN ${requested} IS NULL THEN 'not-requested'
    WHEN ${address} IS NULL THEN 'no-address'
    WHEN ${suppressedSql(address)} THEN 'suppressed'
  END`;
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
 * The same rule over facts already established (SQL booleans for the address and the suppression), so that it can
 * judge a group of contacts sharing them as well as one contact.
 */
export function refusalOfFactsSql(status: string, hasAddress: string, suppressed: string): string {
  return `CASE
    WHEN ${status} IS NULL THEN 'no-consent'
    WHEN ${status} = 'requested' THEN 'requested'
    WHEN ${status} = 'withdrawn' THEN 'withdrawn'
    WHEN NOT ${hasAddress} THEN 'no-address'
    WHEN ${suppressed} THEN 'suppressed'
  END`;
}

/**
 * Whether a ledger row `m` is a confirmation request that counts for the resend window: one that is waiting, going
 * or gone, or that may have gone (ambiguous). One that failed for sure or was skipped leaves room for another.
 */
export function confirmationCountsSql(m: string): string {
  return `(${m}.kind = 'confirmation' AND (${m}.status IN ('queued', 'sending', 'sent', 'delivered')
    OR (${m}.status = 'failed' AND ${m}.error_code = 'ambiguous')))`;
}

export interface ConfirmationFacts {
  status: ConsentStatus;
  hasAddress: boolean;
  suppressed: boolean;
  /** When the last confirmation request went to this contact on this channel, if ever. */
  lastConfirmationAt: Date | null;
}

/** A confirmation request goes only to requested consent, to an address not suppressed, once per window. */
export function decideConfirmation(
  facts: ConfirmationFacts,
  now: Date,
  resendWindowMs: number,
): GateDecision {
  const refuse = (reason: Refusal): GateDecision => ({ allowed: false, reason });
  if (facts.status !== 'requested') return refuse('not-requested');
  if (!facts.hasAddress) return refuse('no-address');
  if (facts.suppressed) return refuse('suppressed');
  if (facts.lastConfirmationAt && now.getTime() - facts.lastConfirmationAt.getTime() < resendWindowMs)
    return refuse('confirmation-already-sent');
  return { allowed: true };
}
