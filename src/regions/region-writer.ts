import type { EntityManager } from 'typeorm';
import type { FeatureValues } from './region.entity.js';

export interface RegionUpsert {
  code: string;
  name: string;
  level: string;
  parentCode: string | null;
  parentLevel: string | null;
  features: FeatureValues;
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

const BATCH = 2000;

/**
 * Upserts regions by (level, code) in multi-row statements. Features are merged into what the region already
 * has, so statistics and results can come from different files. Rows must be ordered parents first.
 */
export async function upsertRegions(manager: EntityManager, rows: RegionUpsert[]): Promise<WriteCounts> {
  const counts = { inserted: 0, updated: 0, unchanged: 0 };
  for (let i = 0; i < rows.length; i += BATCH) {
    const batch = rows.slice(i, i + BATCH);
    // Rows whose parent is in the same batch need it written first: one statement per depth.
    for (const group of byDepth(batch)) {
      const result: { inserted: boolean }[] = await manager.query(
        `INSERT INTO regions (code, name, level, parent_id, features)
         SELECT r.code, r.name, r.level, p.id, r.features
         FROM jsonb_to_recordset($1::jsonb)
           AS r(code text, name text, level text, "parentCode" text, "parentLevel" text, features jsonb)
         LEFT JOIN regions p ON p.code = r."parentCode" AND p.level = r."parentLevel"
         ON CONFLICT (level, code) DO UPDATE SET
           name = EXCLUDED.name,
           parent_id = COALESCE(EXCLUDED.parent_id, regions.parent_id),
           features = regions.features || EXCLUDED.features,
           updated_at = now()
         WHERE (regions.name, regions.parent_id, regions.features)
           IS DISTINCT FROM (EXCLUDED.name, COALESCE(EXCLUDED.parent_id, regions.parent_id), regions.features || EXCLUDED.features)
         RETURNING (xmax = 0) AS inserted`,
        [JSON.stringify(group)],
      );
      const inserted = result.filter((r) => r.inserted).length;
      counts.inserted += inserted;
      counts.updated += result.length - inserted;
      counts.unchanged += group.length - result.length;
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

/** Adds or relabels catalogue entries; keys are stable, so a re-import changes nothing. */
export async function upsertFeatures(
  manager: EntityManager,
  features: FeatureDefinition[],
  source: string,
): Promise<void> {
  if (features.length === 0) return;
  await manager.query(
    `INSERT INTO features (key, label, unit, source)
     SELECT f.key, f.label, f.unit, $2 FROM jsonb_to_recordset($1::jsonb) AS f(key text, label text, unit text)
     ON CONFLICT (key) DO UPDATE SET label = EXCLUDED.label, unit = EXCLUDED.unit, source = EXCLUDED.source,
       updated_at = now()
     WHERE (features.label, features.unit, features.source) IS DISTINCT FROM (EXCLUDED.label, EXCLUDED.unit, EXCLUDED.source)`,
    [JSON.stringify(features), source],
  );
}
