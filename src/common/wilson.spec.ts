import { wilson } from './wilson.js';

describe('wilson', () => {
  // Reference values from R's prop.test(x, n, correct = FALSE)$conf.int and Wilson (1927).
  it.each([
    [3, 40, 0.075, 0.0258, 0.1986],
    [300, 4000, 0.075, 0.0672, 0.0836],
    [0, 10, 0, 0, 0.2775],
    [10, 10, 1, 0.7225, 1],
    [1, 2, 0.5, 0.0945, 0.9055],
    [81, 263, 0.308, 0.2553, 0.3662],
  ])('%i of %i: rate %f, 95 %% interval %f to %f', (x, n, rate, low, high) => {
    const result = wilson(x, n);
    expect(result.rate).toBeCloseTo(rate, 3);
    expect(result.low).toBeCloseTo(low, 3);
    expect(result.high).toBeCloseTo(high, 3);
  });

  it('keeps the rate inside its interval at the edges, exactly', () => {
    for (const n of [1, 7, 24, 1000]) {
      expect(wilson(0, n).low).toBe(0);
      expect(wilson(n, n).high).toBe(1);
    }
  });

  it('has no rate without trials', () => {
    expect(wilson(0, 0)).toEqual({ rate: null, low: null, high: null });
  });
});
