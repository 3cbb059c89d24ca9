/**
 * The 95 % Wilson score interval of a proportion: unlike the plain ± of the normal approximation it stays within
 * 0…1 and is honest about small counts, so "3 of 40" shows a wide interval and "300 of 4,000" a narrow one.
 */
const Z = 1.959963984540054;

export interface Proportion {
  /** Successes over trials; null when there are no trials. */
  rate: number | null;
  low: number | null;
  high: number | null;
}

export function wilson(successes: number, trials: number): Proportion {
  if (trials <= 0) return { rate: null, low: null, high: null };
  const p = successes / trials;
  const z2 = Z * Z;
  const centre = p + z2 / (2 * trials);
  const spread = Z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  const denominator = 1 + z2 / trials;
  // At 0 and at all of them the bounds are exactly 0 and 1; the formula's rounding would put them a hair inside.
  return {
    rate: p,
    low: successes <= 0 ? 0 : Math.max(0, (centre - spread) / denominator),
    high: successes >= trials ? 1 : Math.min(1, (centre + spread) / denominator),
  };
}
