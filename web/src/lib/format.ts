/** The app's languages and the locale each formats dates and numbers in. */
export const LOCALES = { de: 'de-DE', en: 'en-GB' } as const;
export type AppLanguage = keyof typeof LOCALES;

type When = string | number | Date;
const asDate = (value: When) => (value instanceof Date ? value : new Date(value));

/**
 * Dates and numbers as the user's locale writes them (`Intl`), one formatter per locale and style, made once.
 * Screens never format by hand: `const f = $derived(formats(t.lang))`, then `f.dateTime(wave.createdAt)`.
 */
export function formats(language: AppLanguage) {
  return (cache[language] ??= makeFormats(LOCALES[language]));
}

const cache: Partial<Record<AppLanguage, ReturnType<typeof makeFormats>>> = {};

function makeFormats(locale: string) {
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const dateTimeSeconds = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' });
  const time = new Intl.DateTimeFormat(locale, { timeStyle: 'short' });
  const numbers = new Map<number, Intl.NumberFormat>();
  const numberWith = (digits: number) => {
    let format = numbers.get(digits);
    if (!format)
      numbers.set(digits, (format = new Intl.NumberFormat(locale, { maximumFractionDigits: digits })));
    return format;
  };
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  const collator = new Intl.Collator(locale, { numeric: true, sensitivity: 'base' });
  return {
    locale,
    /** 7. Dez. 2026 / 7 Dec 2026 */
    date: (value: When) => date.format(asDate(value)),
    /** 7. Dez. 2026, 16:14 */
    dateTime: (value: When) => dateTime.format(asDate(value)),
    /** 7. Dez. 2026, 16:14:05, for logs where seconds matter */
    dateTimeSeconds: (value: When) => dateTimeSeconds.format(asDate(value)),
    /** 16:14 */
    time: (value: When) => time.format(asDate(value)),
    /** 12.345,6 / 12,345.6, at most `digits` decimals (0 unless asked) */
    number: (value: number, digits = 0) => numberWith(digits).format(value),
    /** a share of 1 as a percentage: 0.425 → 42,5 % */
    percent: (share: number) => percent.format(share),
    /** an amount of money with its currency: 12,40 € / €12.40 */
    money: (value: number, currency: string, digits = 2) =>
      new Intl.NumberFormat(locale, {
        style: 'currency',
        currency,
        maximumFractionDigits: Math.max(2, digits),
      }).format(value),
    /** compares two texts as the locale sorts them (ä with a, 2 before 10) */
    compare: (a: string, b: string) => collator.compare(a, b),
  };
}

export type Formats = ReturnType<typeof formats>;

/** An ISO day (yyyy-mm-dd) as the locale writes it in a field: 07.12.2026 / 07/12/2026. */
export function dayText(iso: string, language: AppLanguage): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) return '';
  const [, y, m, d] = match;
  return language === 'de' ? `${d}.${m}.${y}` : `${d}/${m}/${y}`;
}

/**
 * A day typed in the locale's order (day, month, year; separated by `.`, `/` or `-`; a two-digit year is 20xx), or
 * an ISO day, as yyyy-mm-dd; null when it is no day of the calendar. Empty text is '' (no day chosen).
 */
export function parseDay(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed === '') return '';
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(trimmed);
  const local = /^(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})$/.exec(trimmed);
  let year: number, month: number, day: number;
  if (iso) [year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (local) [day, month, year] = [Number(local[1]), Number(local[2]), Number(local[3])];
  else return null;
  if (year < 100) year += 2000;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
