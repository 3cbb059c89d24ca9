import type { EntityManager } from 'typeorm';
import { FileRejected } from '../csv/sniff.js';
import { sameName, setKey } from './editions.js';

/** One value of a feature on the day its column states (null when it states none). */
export interface DatedValue {
  key: string;
  asOf: string | null;
  value: number | null;
}

export interface RegionUpsert {
  code: string;
  name: string;
  level: string;
  parentCode: string | null;
  parentLevel: string | null;
  values: DatedValue[];
}

export interface FeatureDefinition {
  key: string;
  label: string;
  unit: string | null;
}

export interface WriteCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

export interface SetRef {
  id: string;
  key: string;
  created: boolean;
}

const BATCH = 2000;
/** A refusal names this many mismatching regions; the count says how many there are. */
const MISMATCHES_NAMED = 5;

/** The sets of one edition, by level: those the file's levels need are created, the others found. */
export async function setsOfEdition(
  manager: EntityManager,
  edition: string,
  levels: string[],
): Promise<Map<string, SetRef>> {
  const created: { level: string }[] = await manager.query(
    `INSERT INTO region_sets (key, level, edition)
     SELECT s.key, s.level, $2 FROM jsonb_to_recordset($1::jsonb) AS s(key text, level text)
     ON CONFLICT (key) DO NOTHING RETURNING level`,
    [JSON.stringify(levels.map((level) => ({ level, key: setKey(level, edition) }))), edition],
  );
  const sets: { id: string; key: string; level: string }[] = await manager.query(
    `SELECT id, key, level FROM region_sets WHERE edition = $1`,
    [edition],
  );
  const isNew = new Set(created.map((c) => c.level));
  return new Map(sets.map((s) => [s.level, { id: s.id, key: s.key, created: isNew.has(s.level) }]));
}

/**
 * A file whose region names differ from those already in the set describes other boundaries: it is refused whole,
 * naming the first mismatches. The nation is left out, as files call it differently (Deutschland, Bundesgebiet).
 */
export async function refuseOtherEdition(
  manager: EntityManager,
  sets: Map<string, SetRef>,
  rows: RegionUpsert[],
  what: string,
): Promise<void> {
  const checked = rows.filter((r) => r.level !== 'nation' && !sets.get(r.level)?.created);
  if (checked.length === 0) return;
  const known: { set_id: string; code: string; name: string }[] = await manager.query(
    `SELECT set_id, code, name FROM regions WHERE set_id = ANY($1)`,
    [[...new Set(checked.map((r) => sets.get(r.level)!.id))]],
  );
  const byKey = new Map(known.map((k) => [`${k.set_id}\u0000${k.code}`, k.name]));
  const mismatches = checked.flatMap((row) => {
    const set = sets.get(row.level)!;
    const name = byKey.get(`${set.id}\u0000${row.code}`);
    return name !== undefined && !sameName(name, row.name)
      ? [
          {
            set: set.key,
            text: `${levelWord(row.level)} ${row.code} is '${name}' here and '${row.name}' in the file`,
          },
        ]
      : [];
  });
  if (mismatches.length === 0) return;
  const named = mismatches.slice(0, MISMATCHES_NAMED).map((m) => m.text);
  const more = mismatches.length - named.length;
  throw new FileRejected(
    `${named.join('; ')}${more > 0 ? ` (and ${more} more)` : ''}: these ${what} belong to another edition than ` +
      `${[...new Set(mismatches.map((m) => m.set))].join(', ')}; name the right one with --edition`,
  );
}

const levelWord = (level: string) => (level === 'constituency' ? 'district' : level);

/**
 * Writes regions into their sets (by set and code) and their dated values beside any values of other days, in
 * multi-row statements. A region that exists keeps its name (checked before) and gains values; rows must come
 * parents first.
 */
export async function upsertRegions(
  manager: EntityManager,
  sets: Map<string, SetRef>,
  rows: RegionUpsert[],
): Promise<WriteCounts> {
  const counts = { inserted: 0, updated: 0, unchanged: 0 };
  const setId = (level: string | null) => (level ? (sets.get(level)?.id ?? null) : null);
  for (let i = 0; i < rows.length; i += BATCH) {
    const batch = rows.slice(i, i + BATCH);
    // Rows whose parent is in the same batch need it written first: one statement per depth.
    for (const group of byDepth(batch)) {
      const regions = group.map((r) => ({
        set: setId(r.level),
        code: r.code,
        name: r.name,
        level: r.level,
        parentSet: setId(r.parentLevel),
        parentCode: r.parentCode,
      }));
      const written: { id: string; inserted: boolean }[] = await manager.query(
        `INSERT INTO regions (set_id, code, name, level, parent_id)
         SELECT r.set, r.code, r.name, r.level, p.id
         FROM jsonb_to_recordset($1::jsonb)
           AS r(set uuid, code text, name text, level text, "parentSet" uuid, "parentCode" text)
         LEFT JOIN regions p ON p.set_id = r."parentSet" AND p.code = r."parentCode"
         ON CONFLICT (set_id, code) DO UPDATE SET
           parent_id = COALESCE(EXCLUDED.parent_id, regions.parent_id), updated_at = now()
         WHERE regions.parent_id IS DISTINCT FROM COALESCE(EXCLUDED.parent_id, regions.parent_id)
         RETURNING id, (xmax = 0) AS inserted`,
        [JSON.stringify(regions)],
      );
      // Values name their region by id: a join on (set, code) against a freshly filled table plans badly.
      const ids: { id: string; set_id: string; code: string }[] = await manager.query(
        `SELECT id, set_id, code FROM regions WHERE set_id = ANY($1) AND code = ANY($2)`,
        [[...new Set(regions.map((r) => r.set))], regions.map((r) => r.code)],
      );
      const idOf = new Map(ids.map((r) => [`${r.set_id}\u0000${r.code}`, r.id]));
      const values = group.flatMap((r) => {
        const region = idOf.get(`${setId(r.level)}\u0000${r.code}`);
        return r.values.map((v) => ({ region, key: v.key, asOf: v.asOf, value: v.value }));
      });
      const changed: { region_id: string }[] = values.length
        ? await manager.query(
            `INSERT INTO feature_values (region_id, feature_key, as_of, value)
             SELECT v.region, v.key, v."asOf", v.value
             FROM jsonb_to_recordset($1::jsonb) AS v(region uuid, key text, "asOf" date, value double precision)
             ON CONFLICT (region_id, feature_key, (COALESCE(as_of, '-infinity'::date)))
               DO UPDATE SET value = EXCLUDED.value
             WHERE feature_values.value IS DISTINCT FROM EXCLUDED.value
             RETURNING region_id`,
            [JSON.stringify(values)],
          )
        : [];
      const inserted = new Set(written.filter((w) => w.inserted).map((w) => w.id));
      const touched = new Set([...written.map((w) => w.id), ...changed.map((c) => c.region_id)]);
      counts.inserted += inserted.size;
      counts.updated += [...touched].filter((id) => !inserted.has(id)).length;
      counts.unchanged += group.length - touched.size;
    }
  }
  return counts;
}

function byDepth(rows: RegionUpsert[]): RegionUpsert[][] {
  const index = new Map(rows.map((r) => [`${r.level}\u0000${r.code}`, r]));
  const depth = new Map<RegionUpsert, number>();
  const depthOf = (row: RegionUpsert, seen: number): number => {
    const known = depth.get(row);
    if (known !== undefined) return known;
    const parent = row.parentCode ? index.get(`${row.parentLevel}\u0000${row.parentCode}`) : undefined;
    const d = parent && seen < 50 ? depthOf(parent, seen + 1) + 1 : 0;
    depth.set(row, d);
    return d;
  };
  const groups: RegionUpsert[][] = [];
  for (const row of rows) (groups[depthOf(row, 0)] ??= []).push(row);
  return groups.filter(Boolean);
}

/** Adds or relabels catalogue entries; keys are stable across editions, so a re-import changes nothing. */
export async function upsertFeatures(
  manager: EntityManager,
  features: FeatureDefinition[],
  source: string,
): Promise<void> {
  if (features.length === 0) return;
  await manager.query(
    `INSERT INTO features (key, label, unit, source)
     SELECT DISTINCT ON (f.key) f.key, f.label, f.unit, $2
     FROM jsonb_to_recordset($1::jsonb) AS f(key text, label text, unit text)
     ON CONFLICT (key) DO UPDATE SET label = EXCLUDED.label, unit = EXCLUDED.unit, source = EXCLUDED.source,
       updated_at = now()
     WHERE (features.label, features.unit, features.source) IS DISTINCT FROM (EXCLUDED.label, EXCLUDED.unit, EXCLUDED.source)`,
    [JSON.stringify(features), source],
  );
}
