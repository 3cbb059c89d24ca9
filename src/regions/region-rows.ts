import { canonicalAreaNumber, NumberFormatError, parseNumber, type NumberStyle } from '../csv/numbers.js';
import { referenceDate, withoutDates } from './editions.js';
import type { IgnoredColumn } from '../csv/import-context.js';
import type { DatedValue } from './region-writer.js';
import { officialLevel, slug, strukturdatenFeature, unitOf } from './strukturdaten.js';

export interface RegionRow {
  code: string;
  name: string;
  level: string;
  parentCode: string | null;
  parentLevel: string | null;
  /** For official files: the state a district belongs to, resolved to a parent once all rows are read. */
  parentName?: string;
  values: DatedValue[];
}

export interface FeatureColumn {
  index: number;
  key: string;
  /** The label without its dates: the feature's name in the catalogue. */
  label: string;
  unit: string | null;
  /** The day the column's values describe, from its label. */
  asOf: string | null;
}

export type CellError = { column: string; reason: string };

/** How a regions file is laid out, decided from its header. */
export interface RegionLayout {
  kind: 'strukturdaten' | 'generic';
  numberStyle: NumberStyle;
  features: FeatureColumn[];
  /** The generic fields' columns by mapping key (empty for the official layout, which is read as published). */
  mapping: Record<string, string>;
  /** The named columns not read, and why. */
  unread: IgnoredColumn[];
  parse(cells: string[]): { row?: RegionRow; errors: CellError[] };
}

const norm = (s: string) => s.trim().toLowerCase();

type GenericField = 'code' | 'name' | 'level' | 'parent' | 'parentLevel';
/** Mapping keys for a generic regions file (the official layout has nothing to map). */
export const REGION_MAPPING_KEYS: Record<string, GenericField> = {
  code: 'code',
  name: 'name',
  level: 'level',
  parent: 'parent',
  parent_level: 'parentLevel',
};
type RegionMapping = Partial<Record<GenericField, string>>;

const GENERIC = {
  code: ['code', 'id', 'region_code', 'ags', 'key', 'schluessel', 'schlüssel'],
  name: ['name', 'region_name', 'label', 'bezeichnung'],
  level: ['level', 'type', 'ebene'],
  parent: ['parent', 'parent_code', 'uebergeordnet', 'übergeordnet'],
  parentLevel: ['parent_level'],
} as const;

export function isRegionsHeader(cells: string[], mapping: RegionMapping = {}): boolean {
  const names = cells.map(norm);
  if (names.includes('wahlkreis-nr.') && names.includes('land')) return true;
  return findColumn(names, 'code', mapping) >= 0 && findColumn(names, 'name', mapping) >= 0;
}

function findColumn(names: string[], field: GenericField, mapping: RegionMapping): number {
  const mapped = mapping[field];
  if (mapped !== undefined) return names.indexOf(norm(mapped));
  const aliases: readonly string[] = GENERIC[field];
  return names.findIndex((n) => aliases.includes(n));
}

function readFeatures(
  cells: string[],
  header: string[],
  columns: FeatureColumn[],
  style: NumberStyle,
  errors: CellError[],
) {
  const values: DatedValue[] = [];
  for (const column of columns) {
    try {
      values.push({
        key: column.key,
        asOf: column.asOf,
        value: parseNumber(cells[column.index] ?? '', style),
      });
    } catch (e) {
      if (!(e instanceof NumberFormatError)) throw e;
      errors.push({ column: header[column.index], reason: e.message });
    }
  }
  return values;
}

/**
 * Feature columns of a header: key and unit from the label, the day from its dates. Two columns that would give
 * the same key on the same day keep apart by a suffix (income, income_2).
 */
function featureColumns(
  header: string[],
  skip: Set<number>,
  describe: (label: string) => { key: string; unit: string | null },
): FeatureColumn[] {
  const seen = new Map<string, number>();
  return header.flatMap((label, index) => {
    if (skip.has(index) || label === '') return [];
    const { key, unit } = describe(label);
    const asOf = referenceDate(label);
    const n = (seen.get(`${key}\u0000${asOf}`) ?? 0) + 1;
    seen.set(`${key}\u0000${asOf}`, n);
    return [{ index, key: n > 1 ? `${key}_${n}` : key, label: withoutDates(label), unit, asOf }];
  });
}

/**
 * Decides the layout from the header: the official Strukturdaten layout, or code/name/level/parent + numbers (with
 * a mapping naming those columns where the file calls them otherwise).
 */
export function regionLayout(
  header: string[],
  delimiter: string,
  mapping: RegionMapping = {},
  ignore: string[] = [],
): RegionLayout {
  const names = header.map(norm);
  const official = names.includes('wahlkreis-nr.');
  if (official) {
    const land = names.indexOf('land');
    const number = names.indexOf('wahlkreis-nr.');
    const name = names.indexOf('wahlkreis-name');
    const notes = names.indexOf('fußnoten');
    const skip = new Set([land, number, name, notes]);
    const features = featureColumns(header, skip, strukturdatenFeature);
    return {
      kind: 'strukturdaten',
      numberStyle: 'de',
      features,
      mapping: {},
      unread: notes >= 0 ? [{ column: header[notes], reason: 'footnotes, not values' }] : [],
      parse(cells) {
        const errors: CellError[] = [];
        const code = canonicalAreaNumber(cells[number] ?? '');
        if (!code)
          errors.push({ column: header[number], reason: `"${cells[number]}" is not an area number` });
        const values = readFeatures(cells, header, features, 'de', errors);
        if (!code || errors.length) return { errors };
        const level = officialLevel(Number(code));
        const stateName = cells[land].trim();
        const row: RegionRow = {
          code,
          level,
          // State and nation rows are named "Land insgesamt" / "Insgesamt": the Land column has the real name.
          name: level === 'constituency' ? cells[name].trim() : stateName,
          parentCode: level === 'state' ? '999' : null,
          parentLevel: level === 'state' ? 'nation' : null,
          parentName: level === 'constituency' ? stateName : undefined,
          values,
        };
        return { row, errors };
      },
    };
  }

  const code = findColumn(names, 'code', mapping);
  const name = findColumn(names, 'name', mapping);
  const level = findColumn(names, 'level', mapping);
  const parent = findColumn(names, 'parent', mapping);
  const parentLevel = findColumn(names, 'parentLevel', mapping);
  const skipped = new Set(ignore.map(norm));
  const ignored = header.flatMap((h, i) => (h !== '' && skipped.has(norm(h)) ? [i] : []));
  const taken = new Set([code, name, level, parent, parentLevel, ...ignored]);
  const style: NumberStyle = delimiter === ';' ? 'de' : 'en';
  const features = featureColumns(header, taken, (label) => {
    const plain = withoutDates(label);
    return { key: slug(plain.replace(/\([^()]*\)\s*$/, '')), unit: unitOf(plain) };
  });
  const found = { code, name, level, parent, parent_level: parentLevel };
  return {
    kind: 'generic',
    numberStyle: style,
    features,
    mapping: Object.fromEntries(
      Object.entries(found)
        .filter(([, index]) => index >= 0)
        .map(([key, index]) => [key, header[index]]),
    ),
    unread: ignored.map((i) => ({ column: header[i], reason: "the mapping's ignore list names it" })),
    parse(cells) {
      const errors: CellError[] = [];
      const codeValue = cells[code]?.trim() ?? '';
      const nameValue = cells[name]?.trim() ?? '';
      if (!codeValue) errors.push({ column: header[code], reason: 'code is empty' });
      if (!nameValue) errors.push({ column: header[name], reason: 'name is empty' });
      const values = readFeatures(cells, header, features, style, errors);
      if (errors.length) return { errors };
      return {
        errors,
        row: {
          code: codeValue,
          name: nameValue,
          level: (level >= 0 && cells[level]?.trim()) || 'region',
          parentCode: (parent >= 0 && cells[parent]?.trim()) || null,
          parentLevel: (parentLevel >= 0 && cells[parentLevel]?.trim()) || null,
          values,
        },
      };
    },
  };
}
