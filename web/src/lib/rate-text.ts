import type { Rate } from '../api/waves';
import type { Strings } from '../i18n/de';
import type { formats } from './format';

/** "3 of 40 · 7.5 % (2.6–19.9 %)", or "3 (no rate)" when there is nothing to take it out of. */
export const rateText = (rate: Rate, t: Strings, f: ReturnType<typeof formats>) =>
  rate.rate === null || rate.low === null || rate.high === null
    ? t.results.noRate(f.number(rate.count))
    : t.results.rate(
        f.number(rate.count),
        f.number(rate.of),
        f.percent(rate.rate),
        f.number(rate.low * 100, 1),
        f.percent(rate.high),
      );
