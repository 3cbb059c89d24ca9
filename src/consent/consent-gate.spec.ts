import { decide, type GateFacts } from './consent-gate.js';

const now = new Date('2026-05-01T12:00:00Z');
const WINDOW = 48 * 3600_000;
const facts = (over: Partial<GateFacts> = {}): GateFacts => ({
  exists: true,
  status: 'confirmed',
  hasAddress: true,
  suppressed: false,
  lastConfirmationAt: null,
  ...over,
});

describe('the send gate', () => {
  it('lets a campaign message through only with confirmed consent, an address and no suppression', () => {
    expect(decide(facts(), 'campaign', now, WINDOW)).toEqual({ allowed: true });
    for (const [status, reason] of [
      ['none', 'no-consent'],
      ['requested', 'requested'],
      ['withdrawn', 'withdrawn'],
    ] as const)
      expect(decide(facts({ status }), 'campaign', now, WINDOW)).toEqual({ allowed: false, reason });
    expect(decide(facts({ hasAddress: false }), 'campaign', now, WINDOW)).toEqual({
      allowed: false,
      reason: 'no-address',
    });
    expect(decide(facts({ suppressed: true }), 'campaign', now, WINDOW)).toEqual({
      allowed: false,
      reason: 'suppressed',
    });
    expect(decide(facts({ exists: false }), 'campaign', now, WINDOW)).toEqual({
      allowed: false,
      reason: 'unknown-contact',
    });
  });

  it('sends a confirmation request only for requested consent, once per window', () => {
    const requested = facts({ status: 'requested' });
    expect(decide(requested, 'confirmation', now, WINDOW)).toEqual({ allowed: true });
    const recent = { ...requested, lastConfirmationAt: new Date(now.getTime() - WINDOW + 60_000) };
    expect(decide(recent, 'confirmation', now, WINDOW)).toEqual({
      allowed: false,
      reason: 'confirmation-already-sent',
    });
    const old = { ...requested, lastConfirmationAt: new Date(now.getTime() - WINDOW - 60_000) };
    expect(decide(old, 'confirmation', now, WINDOW)).toEqual({ allowed: true });
    expect(decide(facts(), 'confirmation', now, WINDOW)).toEqual({ allowed: false, reason: 'not-requested' });
  });
});
