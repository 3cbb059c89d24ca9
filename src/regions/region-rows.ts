import { canonicalAreaNumber, NumberFormatError, parseNumber, type NumberStyle } from '../csv/numbers.js';
import type { FeatureValues } from './region.entity.js';
import { officialLevel, slug, strukturdatenFeature, unitOf } from './strukturdaten.js';

export interface RegionRow {
  code: string;
  name: string;
  level: string;
  parentCode: string | null;
  parentLevel: string | null;
  /** For official files: the state a district belongs to, resolved to a parent once all rows are read. */
  parentName?: string;
  features: FeatureValues;
}

export interface FeatureColumn {
  index: number;
  key: string;
  label: string;
  unit: string | null;
}

export type CellError = { column: string; reason: string };

/** How a regions file is laid out, decided from its header. */
export interface RegionLayout {
  kind: 'strukturdaten' | 'generic';
  numberStyle: NumberStyle;
  features: FeatureColumn[];
  parse(cells: string[]): { row?: RegionRow; errors: CellError[] };
}

const norm = (s: string) => s.trim().toLowerCase();
const GENERIC = {
  code: ['code', 'id', 'region_code', 'ags', 'key', 'schluessel', 'schlüssel'],
  name: ['name', 'region_name', 'label', 'bezeichnung'],
  level: ['level', 'type', 'ebene'],
  parent: ['parent', 'parent_code', 'uebergeordnet', 'übergeordnet'],
  parentLevel: ['parent_level'],
} as const;

export function isRegionsHeader(cells: string[]): boolean {
  const names = cells.map(norm);
  if (names.includes('wahlkreis-nr.') && names.includes('land')) return true;
  return GENERIC.code.some((a) => names.includes(a)) && GENERIC.name.some((a) => names.includes(a));
}

function findColumn(names: string[], aliases: readonly string[]): number {
  return names.findIndex((n) => aliases.includes(n));
}

function readFeatures(cells: string[], columns: FeatureColumn[], style: NumberStyle, errors: CellError[]) {
  const features: FeatureValues = {};
  for (const column of columns) {
    try {
      features[column.key] = parseNumber(cells[column.index] ?? '', style);
    } catch (e) {
      if (!(e instanceof NumberFormatError)) throw e;
      errors.push({ column: column.label, reason: e.message });
    }
  }
  return features;
}

/** Decides the layout from the header: the official Strukturdaten layout, or code/name/level/parent + numbers. */
export function regionLayout(header: string[], delimiter: string): RegionLayout {
  const names = header.map(norm);
  const official = names.includes('wahlkreis-nr.');
  if (official) {
    const land = names.indexOf('land');
    const number = names.indexOf('wahlkreis-nr.');
    const name = names.indexOf('wahlkreis-name');
    const skip = new Set([land, number, name, names.indexOf('fußnoten')]);
    const features = header
      .map((label, index) => ({ label, index }))
      .filter(({ label, index }) => !skip.has(index) && label !== '')
      .map(({ label, index }) => ({ index, label, ...strukturdatenFeature(label) }));
    return {
      kind: 'strukturdaten',
      numberStyle: 'de',
      features,
      parse(cells) {
        const errors: CellError[] = [];
        const code = canonicalAreaNumber(cells[number] ?? '');
        if (!code)
          errors.push({ column: header[number], reason: `"${cells[number]}" is not an area number` });
        const featureValues = readFeatures(cells, features, 'de', errors);
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
          features: featureValues,
        };
        return { row, errors };
      },
    };
  }

  const code = findColumn(names, GENERIC.code);
  const name = findColumn(names, GENERIC.name);
  const level = findColumn(names, GENERIC.level);
  const parent = findColumn(names, GENERIC.parent);
  const parentLevel = findColumn(names, GENERIC.parentLevel);
  const taken = new Set([code, name, level, parent, parentLevel]);
  const style: NumberStyle = delimiter === ';' ? 'de' : 'en';
  const features = header
    .map((label, index) => ({ label, index }))
    .filter(({ label, index }) => !taken.has(index) && label !== '')
    .map(({ label, index }) => ({
      index,
      label,
      key: slug(label.replace(/\([^()]*\)\s*$/, '')),
      unit: unitOf(label),
    }));
  return {
    kind: 'generic',
    numberStyle: style,
    features,
    parse(cells) {
      const errors: CellError[] = [];
      const codeValue = cells[code]?.trim() ?? '';
      const nameValue = cells[name]?.trim() ?? '';
      if (!codeValue) errors.push({ column: header[code], reason: 'code is empty' });
      if (!nameValue) errors.push({ column: header[name], reason: 'name is empty' });
      const featureValues = readFeatures(cells, features, style, errors);
      if (errors.length) return { errors };
      return {
        errors,
        row: {
          code: codeValue,
          name: nameValue,
          level: (level >= 0 && cells[level]?.trim()) || 'region',
          parentCode: (parent >= 0 && cells[parent]?.trim()) || null,
          parentLevel: (parentLevel >= 0 && cells[parentLevel]?.trim()) || null,
          features: featureValues,
        },
      };
    },
  };
}
