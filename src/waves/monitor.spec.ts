import {
  achievedRate,
  bucketSeconds,
  expectedEnd,
  failuresOf,
  progressOf,
  sentSeries,
  skipsOf,
  type LedgerGroup,
} from './monitor.js';

const at = (s: number) => new Date(s * 1000);

describe("a wave's monitor", () => {
  const groups: LedgerGroup[] = [
    { status: 'sent', code: null, bucket: 1000, n: 40, recent: 0 },
    { status: 'sent', code: null, bucket: 1030, n: 20, recent: 20 },
    { status: 'delivered', code: null, bucket: 1030, n: 10, recent: 10 },
    { status: 'bounced', code: 'smtp-550', bucket: null, n: 2, recent: 0 },
    { status: 'failed', code: 'ambiguous', bucket: null, n: 1, recent: 0 },
    { status: 'queued', code: 'smtp-451', bucket: null, n: 3, recent: 0 },
    { status: 'queued', code: null, bucket: null, n: 27, recent: 0 },
    { status: 'skipped', code: 'withdrawn', bucket: null, n: 5, recent: 0 },
    { status: 'skipped', code: 'cancelled', bucket: null, n: 1, recent: 0 },
  ];

  it('counts by status, with the rate of the last minute and the end it promises', () => {
    expect(progressOf(groups, at(2000), { from: at(1000), to: at(2000) })).toEqual({
      total: 109,
      byStatus: { sent: 60, delivered: 10, bounced: 2, failed: 1, queued: 30, skipped: 6 },
      left: 30,
      ratePerSecond: 0.5,
      expectedEnd: at(2060),
    });
    expect(progressOf([], at(2000), { from: null, to: at(2000) })).toMatchObject({
      total: 0,
      left: 0,
      expectedEnd: null,
    });
  });

  it('measures the rate over the part of the last minute the wave has been sending', () => {
    // 200 handed over in the 20 s since the launch: 10 a second, not 200 / 60.
    expect(achievedRate(200, at(1000), at(1020))).toBe(10);
    expect(achievedRate(600, at(1000), at(1600))).toBe(10);
    expect(achievedRate(0, at(1000), at(1020))).toBe(0);
    expect(achievedRate(5, null, at(1020))).toBe(0);
    // Within its first second, a burst is not taken for a rate of thousands.
    expect(achievedRate(4, at(1000), at(1000.2))).toBe(4);
  });

  it('expects the end when what is left is handed over at the achieved rate', () => {
    // 16:00:20, 200 sent at 10 a second, 8,200 left: done at 16:14, not at 16:41 as 200 a minute would say.
    const now = new Date('2026-12-07T16:00:20Z');
    expect(expectedEnd(8200, achievedRate(200, new Date('2026-12-07T16:00:00Z'), now), now)).toEqual(
      new Date('2026-12-07T16:14:00Z'),
    );
    expect(expectedEnd(0, 10, now)).toBeNull();
    expect(expectedEnd(100, 0, now)).toBeNull();
  });

  it('series the messages handed over per bucket, empty buckets included, and sizes buckets by the span', () => {
    expect(sentSeries(groups, 10, at(995), at(1041))).toEqual({
      bucketSeconds: 10,
      buckets: [990, 1000, 1010, 1020, 1030, 1040].map((s, i) => ({
        at: at(s),
        sent: [0, 40, 0, 0, 30, 0][i],
      })),
    });
    expect(sentSeries([], 10, null, at(1041)).buckets).toEqual([]);
    expect(bucketSeconds(0)).toBe(10);
    expect(bucketSeconds(3600)).toBe(10);
    expect(bucketSeconds(3601)).toBe(30);
    expect(bucketSeconds(5 * 86400)).toBe(3600);
  });

  it('groups failures by code and skips by reason, with their meanings', () => {
    expect(failuresOf(groups)).toEqual([
      { code: 'smtp-451', meaning: 'the mail server had a local error', failed: 0, retrying: 3 },
      { code: 'smtp-550', meaning: expect.stringMatching(/^no such mailbox/), failed: 2, retrying: 0 },
      {
        code: 'ambiguous',
        meaning: expect.stringMatching(/^its hand-over to the provider had begun/),
        failed: 1,
        retrying: 0,
      },
    ]);
    expect(skipsOf(groups)).toEqual([
      { reason: 'withdrawn', meaning: 'the person withdrew consent for this channel and purpose', count: 5 },
      { reason: 'cancelled', meaning: 'the wave was cancelled before the message went out', count: 1 },
    ]);
  });
});
