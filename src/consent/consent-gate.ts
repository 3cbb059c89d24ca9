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
  return `CASE
    WHEN ${status} IS NULL THEN 'no-consent'
    WHEN ${status} = 'requested' THEN 'requested'
    WHEN ${status} = 'withdrawn' THEN 'withdrawn'
    WHEN ${address} IS NULL THEN 'no-address'
    WHEN (SELECT EXISTS (SELECT 1 FROM suppressions))
      AND EXISTS (SELECT 1 FROM suppressions WHERE hash = suppression_hash(${address})) THEN 'suppressed'
  END`;
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
