/**
 * Editions: which boundaries a region belongs to, and which day a statistic describes. Districts are redrawn for
 * every election, so the same number names another area in 2021 and 2025; the rules here keep them apart.
 */

const MONTHS = [
  'januar',
  'februar',
  'märz',
  'april',
  'mai',
  'juni',
  'juli',
  'august',
  'september',
  'oktober',
  'november',
  'dezember',
];
const MONTH = MONTHS.join('|');

/** "Bevölkerung am 31.12.2023 - Ausländer/-innen (%)" → "Bevölkerung - Ausländer/-innen (%)". */
export function withoutDates(label: string): string {
  return label
    .replace(/"+/g, '')
    .replace(
      new RegExp(
        `\\s+(am|zum)?\\s*(\\d{2}\\.\\d{2}\\.\\d{4}|(${MONTH})\\s+(19|20)\\d{2}|(19|20)\\d{2})\\b`,
        'gi',
      ),
      '',
    )
    .replace(/\s+-\s+/g, ' - ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Election year of each German Bundestag, by its number ("zum 21. Deutschen Bundestag" → 2025). */
const BUNDESTAG_ELECTIONS = [
  1949, 1953, 1957, 1961, 1965, 1969, 1972, 1976, 1980, 1983, 1987, 1990, 1994, 1998, 2002, 2005, 2009, 2013,
  2017, 2021, 2025,
];

/** `constituency/2025`, or the level alone for a set without an edition. */
export function setKey(level: string, edition: string): string {
  return edition ? `${level}/${edition}` : level;
}

/** "constituency/2025" → { level, edition }; "constituency" → edition "". */
export function parseSetKey(key: string): { level: string; edition: string } {
  const slash = key.indexOf('/');
  return slash < 0
    ? { level: key, edition: '' }
    : { level: key.slice(0, slash), edition: key.slice(slash + 1) };
}

/** A set key: a level, and after a slash its edition (`constituency/2025`), or the level alone. */
export const SET_KEY_PATTERN = /^[a-z0-9_-]{1,100}(\/[A-Za-z0-9._-]{1,40})?$/;

/** An edition is a short name such as 2025 or 2025-nachwahl. */
export const EDITION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;

const iso = (year: number, month: number, day: number) =>
  `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
const lastDay = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
const plausibleYear = (year: number) => year >= 1900 && year <= 2100;

/**
 * The day a column's values describe, from its label: "am 31.12.2023" is that day, "Februar 2025" the month's last
 * day, "2022" the year's last day. With several dates the latest counts. Null when the label names none.
 */
export function referenceDate(label: string): string | null {
  const found: string[] = [];
  const text = label.toLowerCase();
  const taken: [number, number][] = [];
  const overlaps = (at: number, length: number) => taken.some(([s, e]) => at < e && at + length > s);
  const take = (match: RegExpExecArray, date: string) => {
    taken.push([match.index, match.index + match[0].length]);
    found.push(date);
  };
  for (const m of text.matchAll(/\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b/g)) {
    const [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (plausibleYear(year) && month >= 1 && month <= 12 && day >= 1 && day <= lastDay(year, month))
      take(m, iso(year, month, day));
  }
  for (const m of text.matchAll(new RegExp(`\\b(${MONTH})\\s+(\\d{4})\\b`, 'g'))) {
    const [month, year] = [MONTHS.indexOf(m[1]) + 1, Number(m[2])];
    if (plausibleYear(year) && !overlaps(m.index, m[0].length))
      take(m, iso(year, month, lastDay(year, month)));
  }
  for (const m of text.matchAll(/(?<![\d.])((?:19|20)\d{2})(?![\d.])/g)) {
    if (!overlaps(m.index, m[0].length)) take(m, iso(Number(m[1]), 12, 31));
  }
  return found.length ? found.sort().at(-1)! : null;
}

/** "23.02.2025" → "2025-02-23"; null when it is not such a date. */
export function germanDate(text: string): string | null {
  const m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(text.trim());
  if (!m) return null;
  const [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= lastDay(year, month) ? iso(year, month, day) : null;
}

/**
 * The election whose districts an official file describes, from its title and notes: "(Bundestagswahl am
 * 23.02.2025)", "Wahl am 26. September 2021", "Bundestagswahl 2025" or "zum 20. Deutschen Bundestag". The day an
 * edition was published ("Wiesbaden 2025") says nothing about its districts and is not read.
 */
export function editionFromNotes(lines: string[]): string | null {
  const text = lines.join('\n').toLowerCase();
  const day = new RegExp(
    `wahl\\w*\\s+(?:vom|am)\\s+\\d{1,2}\\.\\s*(?:\\d{1,2}\\.|(?:${MONTH})\\s+)\\s*(\\d{4})`,
  );
  const named = /wahl\s+(\d{4})\b/;
  const numbered = /\b(\d{1,2})\.\s*deutschen\s+bundestag/;
  const byDay = day.exec(text);
  if (byDay) return byDay[1];
  const byName = named.exec(text);
  if (byName) return byName[1];
  const byNumber = numbered.exec(text);
  const year = byNumber ? BUNDESTAG_ELECTIONS[Number(byNumber[1]) - 1] : undefined;
  return year ? String(year) : null;
}

/** Names compared as people read them: case, spacing and the kind of dash do not matter. */
export function sameName(a: string, b: string): boolean {
  const plain = (s: string) =>
    s
      .normalize('NFC')
      .toLowerCase()
      .replace(/[\u2010-\u2015\u2212-]/g, '-')
      .replace(/\s*-\s*/g, ' - ')
      .replace(/\s+/g, ' ')
      .trim();
  return plain(a) === plain(b);
}

export interface RegionFacts {
  code: string;
  name: string;
  /** km², from the area feature; null when the set has none. */
  area: number | null;
}

export interface ChangedRegion {
  code: string;
  /** Null where the region is not in that edition. */
  before: { name: string; area: number | null } | null;
  after: { name: string; area: number | null } | null;
  why: string;
}

export interface EditionDiff {
  unchanged: string[];
  changed: ChangedRegion[];
}

/** Two areas are the same when they differ by at most this share (rounding in the statistics). */
export const AREA_TOLERANCE = 0.01;

/**
 * Which regions kept their boundaries between two editions: the same code, the same name and an area within
 * 1 %. Everything else changed, with the reason in words.
 */
export function compareEditions(before: RegionFacts[], after: RegionFacts[]): EditionDiff {
  const old = new Map(before.map((r) => [r.code, r]));
  const now = new Map(after.map((r) => [r.code, r]));
  const codes = [...new Set([...old.keys(), ...now.keys()])].sort(
    (a, b) => a.length - b.length || a.localeCompare(b),
  );
  const diff: EditionDiff = { unchanged: [], changed: [] };
  for (const code of codes) {
    const a = old.get(code);
    const b = now.get(code);
    const why = !a
      ? 'new in this edition'
      : !b
        ? 'not in this edition'
        : !sameName(a.name, b.name)
          ? `renamed from "${a.name}" to "${b.name}"`
          : a.area === null || b.area === null
            ? 'area unknown, so the boundaries cannot be compared'
            : Math.abs(a.area - b.area) > AREA_TOLERANCE * Math.max(a.area, b.area)
              ? `area ${formatArea(a.area)} → ${formatArea(b.area)} km²`
              : null;
    if (!why) diff.unchanged.push(code);
    else
      diff.changed.push({
        code,
        before: a ? { name: a.name, area: a.area } : null,
        after: b ? { name: b.name, area: b.area } : null,
        why,
      });
  }
  return diff;
}

const formatArea = (km2: number) => km2.toLocaleString('en-GB', { maximumFractionDigits: 1 });

/** Newest first: editions that start with a year by that year, the others (and sets without one) after them. */
export function newestFirst<T extends { edition: string; createdAt: Date }>(sets: T[]): T[] {
  const year = (e: string) => Number(/^(\d{4})/.exec(e)?.[1] ?? -1);
  return [...sets].sort(
    (a, b) => year(b.edition) - year(a.edition) || b.createdAt.getTime() - a.createdAt.getTime(),
  );
}
