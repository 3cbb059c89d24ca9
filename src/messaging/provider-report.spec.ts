import { reportTarget, type ReportCandidate } from './provider-report.js';

const row = (id: string, address: string | null, waveId: string | null = 'w1'): ReportCandidate => ({
  id,
  address,
  waveId,
});

describe('which message a provider report is about', () => {
  const cases: [string, ReportCandidate[], string | null, ReturnType<typeof reportTarget>][] = [
    ['one message with the id', [row('a', '+4915100000001')], null, { messageId: 'a', shared: false }],
    [
      'one message, even when the recipient differs (a forwarded mail)',
      [row('a', 'old@example.org')],
      'new@example.org',
      { messageId: 'a', shared: false },
    ],
    ['no message with the id', [], '+4915100000001', { anomaly: 'unknown-id', waveId: null }],
    [
      'a shared id, the recipient names one',
      [row('a', '+4915100000001'), row('b', '+4915100000002'), row('c', '+4915100000003')],
      '+4915100000002',
      { messageId: 'b', shared: true },
    ],
    [
      'a shared id and no recipient',
      [row('a', '+4915100000001'), row('b', '+4915100000002')],
      null,
      { anomaly: 'shared-id', waveId: 'w1' },
    ],
    [
      'a shared id and a recipient none of them has',
      [row('a', '+4915100000001'), row('b', '+4915100000002')],
      '+4915100000009',
      { anomaly: 'shared-id', waveId: 'w1' },
    ],
    [
      'a shared id and a recipient two of them have (one phone, two messages)',
      [row('a', '+4915100000001'), row('b', '+4915100000001', 'w2')],
      '+4915100000001',
      { anomaly: 'shared-id', waveId: null },
    ],
  ];
  it.each(cases)('%s', (_name, candidates, recipient, expected) => {
    expect(reportTarget(candidates, recipient)).toEqual(expected);
  });
});
