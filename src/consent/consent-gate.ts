import type { ConsentStatus } from './consent.js';

/** A campaign message needs confirmed consent; a confirmation message asks for it and goes out at most once a while. */
export type SendKind = 'campaign' | 'confirmation';

export const REFUSALS = [
  'unknown-contact',
  'suppressed',
  'no-address',
  'no-consent',
  'requested',
  'withdrawn',
  'not-requested',
  'confirmation-already-sent',
] as const;
export type Refusal = (typeof REFUSALS)[number];

export type GateDecision = { allowed: true } | { allowed: false; reason: Refusal };

export interface GateFacts {
  exists: boolean;
  status: ConsentStatus;
  hasAddress: boolean;
  suppressed: boolean;
  /** When the last confirmation request went to this contact on this channel, if ever. */
  lastConfirmationAt: Date | null;
}

/** The rule itself, free of I/O: may this message go out, given the facts read at this moment? */
export function decide(facts: GateFacts, kind: SendKind, now: Date, resendWindowMs: number): GateDecision {
  const refuse = (reason: Refusal): GateDecision => ({ allowed: false, reason });
  if (!facts.exists) return refuse('unknown-contact');
  if (facts.suppressed) return refuse('suppressed');
  if (!facts.hasAddress) return refuse('no-address');
  if (kind === 'confirmation') {
    if (facts.status !== 'requested') return refuse('not-requested');
    if (facts.lastConfirmationAt && now.getTime() - facts.lastConfirmationAt.getTime() < resendWindowMs)
      return refuse('confirmation-already-sent');
    return { allowed: true };
  }
  switch (facts.status) {
    case 'confirmed':
      return { allowed: true };
    case 'none':
      return refuse('no-consent');
    case 'requested':
      return refuse('requested');
    case 'withdrawn':
      return refuse('withdrawn');
  }
}
