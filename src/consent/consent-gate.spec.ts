import { decideConfirmation, type ConfirmationFacts } from './consent-gate.js';

const now = new Date('2026-05-01T12:00:00Z');
const WINDOW = 48 * 3600_000;
const facts = (over: Partial<ConfirmationFacts> = {}): ConfirmationFacts => ({
  status: 'requested',
  hasAddress: true,
  suppressed: false,
  lastConfirmationAt: null,
  ...over,
});

describe('the confirmation gate', () => {
  it('asks only where consent is requested, to an address that is not suppressed', () => {
    expect(decideConfirmation(facts(), now, WINDOW)).toEqual({ allowed: true });
    for (const status of ['none', 'confirmed', 'withdrawn'] as const)
      expect(decideConfirmation(facts({ status }), now, WINDOW)).toEqual({
        allowed: false,
        reason: 'not-requested',
      });
    expect(decideConfirmation(facts({ hasAddress: false }), now, WINDOW)).toEqual({
      allowed: false,
      reason: 'no-address',
    });
    expect(decideConfirmation(facts({ suppressed: true }), now, WINDOW)).toEqual({
      allowed: false,
      reason: 'suppressed',
    });
  });

  it('asks once per window', () => {
    const recent = facts({ lastConfirmationAt: new Date(now.getTime() - WINDOW + 60_000) });
    expect(decideConfirmation(recent, now, WINDOW)).toEqual({
      allowed: false,
      reason: 'confirmation-already-sent',
    });
    const old = facts({ lastConfirmationAt: new Date(now.getTime() - WINDOW - 60_000) });
    expect(decideConfirmation(old, now, WINDOW)).toEqual({ allowed: true });
  });
});
