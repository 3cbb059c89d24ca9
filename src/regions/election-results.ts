import { canonicalAreaNumber, NumberFormatError, parseNumber } from '../csv/numbers.js';
import { germanDate } from './editions.js';
import type { FeatureDefinition, RegionUpsert } from './region-writer.js';
import { slug } from './strukturdaten.js';

/**
 * The Bundeswahlleiterin's long result layout ("kerg2"): one row per area × group × vote. It becomes, per area,
 * a turnout feature and each party's first- and second-vote share in percent of valid votes, on the election day.
 * Keys leave the year out (bt_spd_second_pct): the results of 2021 and 2025 are two days of one feature.
 */
export const RESULTS_COLUMNS = [
  'Wahlart',
  'Wahltag',
  'Gebietsart',
  'Gebietsnummer',
  'Gebietsname',
  'UegGebietsart',
  'UegGebietsnummer',
  'Gruppenart',
  'Gruppenname',
  'Stimme',
  'Prozent',
] as const;

type Column = (typeof RESULTS_COLUMNS)[number];

export function isResultsHeader(cells: string[]): boolean {
  return RESULTS_COLUMNS.every((c) => cells.includes(c));
}

/** State numbers in results files are 1–16; regions use the Strukturdaten numbering 900 + n and 999 for Germany. */
function regionOf(kind: string, number: string): { level: string; code: string } | undefined {
  const n = canonicalAreaNumber(number);
  if (!n) return undefined;
  switch (kind.toLowerCase()) {
    case 'wahlkreis':
      return { level: 'constituency', code: n };
    case 'land':
      return { level: 'state', code: String(900 + Number(n)) };
    case 'bund':
      return { level: 'nation', code: '999' };
    default:
      return undefined;
  }
}

export interface ResultsAccumulator {
  add(cells: string[]): { column?: string; reason: string } | undefined;
  regions(): RegionUpsert[];
  features(): FeatureDefinition[];
  /** The election days the file has results of (ISO). */
  days(): string[];
}

export function resultsAccumulator(header: string[]): ResultsAccumulator {
  const at = Object.fromEntries(RESULTS_COLUMNS.map((c) => [c, header.indexOf(c)])) as Record<Column, number>;
  const areas = new Map<string, RegionUpsert>();
  const features = new Map<string, FeatureDefinition>();
  const days = new Set<string>();

  return {
    add(cells) {
      const get = (c: Column) => (cells[at[c]] ?? '').trim();
      const region = regionOf(get('Gebietsart'), get('Gebietsnummer'));
      if (!region)
        return {
          column: 'Gebietsart',
          reason: `unknown area "${get('Gebietsart')} ${get('Gebietsnummer')}"`,
        };
      const day = germanDate(get('Wahltag'));
      if (!day) return { column: 'Wahltag', reason: `"${get('Wahltag')}" is not a date (DD.MM.YYYY)` };
      const election = slug(get('Wahlart'));
      const group = get('Gruppenart');
      const name = get('Gruppenname');
      const vote = get('Stimme');
      let share: number | null;
      try {
        share = parseNumber(get('Prozent'), 'de');
      } catch (e) {
        if (e instanceof NumberFormatError) return { column: 'Prozent', reason: e.message };
        throw e;
      }

      let key: string | undefined;
      let label = '';
      if (group === 'System-Gruppe' && name === 'Wählende') {
        key = `${election}_turnout_pct`;
        label = `${get('Wahlart')}: Wahlbeteiligung (Prozent)`;
      } else if (group === 'Partei' && (vote === '1' || vote === '2')) {
        key = `${election}_${slug(name)}_${vote === '1' ? 'first' : 'second'}_pct`;
        label = `${get('Wahlart')}: ${name}, ${vote === '1' ? 'Erststimmen' : 'Zweitstimmen'} (Prozent)`;
        // No candidate in this district: the party's first-vote share there is zero, not unknown.
        share ??= 0;
      }
      const id = `${region.level}\u0000${region.code}`;
      let area = areas.get(id);
      if (!area) {
        const parent = regionOf(get('UegGebietsart'), get('UegGebietsnummer'));
        area = {
          ...region,
          name: get('Gebietsname'),
          parentCode: region.level === 'state' ? '999' : (parent?.code ?? null),
          parentLevel: region.level === 'state' ? 'nation' : (parent?.level ?? null),
          values: [],
        };
        areas.set(id, area);
      }
      days.add(day);
      if (key) {
        area.values.push({ key, asOf: day, value: share });
        if (!features.has(key)) features.set(key, { key, label, unit: '%' });
      }
      return undefined;
    },
    regions: () => {
      const order = { nation: 0, state: 1, constituency: 2 } as Record<string, number>;
      return [...areas.values()].sort((a, b) => order[a.level] - order[b.level]);
    },
    features: () => [...features.values()],
    days: () => [...days].sort(),
  };
}
