import { readFile } from 'node:fs/promises';
import type { EntityManager } from 'typeorm';
import { RowErrors, Stopwatch, type ImportContext, type ImportCounts } from '../csv/import-context.js';
import { FileRejected } from '../csv/sniff.js';
import { sameName, setKey } from './editions.js';
import { displayTopology, etagOf, type RegionShape } from './geometry-display.js';
import { readGeometryFile, type GeometryFeature } from './geometry-file.js';
import { currentSet, makeCurrent, setByKey, UnassignedContacts } from './region-sets.js';

const MISMATCHES_NAMED = 5;

/**
 * Region shapes from a GeoJSON FeatureCollection into one set: the edition given, or the level's current set. The
 * shapes are kept as imported; the set's map document is rebuilt from all its shapes in the same transaction. With
 * makeCurrent the set becomes its level's current one (refused if contacts would be left without a region, unless
 * allowUnassigned).
 */
export async function importGeometry(ctx: ImportContext): Promise<ImportCounts> {
  const level = ctx.options.regionLevel ?? 'constituency';
  const clock = new Stopwatch();
  const file = readGeometryFile(await readFile(ctx.path, 'utf8'), ctx.options.codeProperty);
  ctx.onProgress?.(file.read);
  const errors = new RowErrors();
  for (const p of file.problems) errors.add(p.index, p.reason, p.column);
  clock.lap('read');
  return ctx.dataSource.transaction(async (manager) => {
    const set = await targetSet(manager, level, ctx.options.edition);
    const regions: { code: string; name: string }[] = await manager.query(
      `SELECT code, name FROM regions WHERE set_id = $1`,
      [set.id],
    );
    const names = new Map(regions.map((r) => [r.code, r.name]));
    refuseOtherEdition(file.features, names, level, set.key);
    const good = file.features.filter(
      (f) =>
        names.has(f.code) ||
        (errors.add(
          f.index,
          `feature ${f.index}: ${file.codeProperty} ${f.code} matches no region of ${set.key}`,
          file.codeProperty,
        ),
        false),
    );
    // Only a changed shape is written, so a file imported twice leaves the rows (and the map's ETag) as they were.
    const written: { inserted: boolean }[] = await manager.query(
      `INSERT INTO region_geometries (region_id, geometry)
       SELECT r.id, g.geometry FROM jsonb_to_recordset($1::jsonb) AS g(code text, geometry jsonb)
       JOIN regions r ON r.set_id = $2 AND r.code = g.code
       ON CONFLICT (region_id) DO UPDATE SET geometry = EXCLUDED.geometry, updated_at = now()
       WHERE region_geometries.geometry IS DISTINCT FROM EXCLUDED.geometry
       RETURNING (xmax = 0) AS inserted`,
      [JSON.stringify(good.map(({ code, geometry }) => ({ code, geometry }))), set.id],
    );
    clock.lap('write');
    await storeDisplay(manager, set.id, file.attribution);
    clock.lap('simplify');
    // Real boundaries, and the import says to work with them: the set becomes current, its contacts re-assigned.
    const change = ctx.options.makeCurrent
      ? await makeCurrent(
          manager,
          (await setByKey(manager, set.key))!,
          level,
          { by: null },
          ctx.options.allowUnassigned ?? false,
        ).catch((e: unknown) => {
          throw e instanceof UnassignedContacts ? new FileRejected(e.message) : e;
        })
      : null;
    const inserted = written.filter((w) => w.inserted).length;
    return {
      read: file.read,
      inserted,
      updated: written.length - inserted,
      unchanged: good.length - written.length,
      rejected: errors.rejectedRows,
      errors: errors.sorted(),
      timings: clock.laps,
      report: { sets: [set.key], ...(change && { current: [change] }) },
    };
  });
}

async function targetSet(manager: EntityManager, level: string, edition: string | undefined) {
  const wanted = edition ? setKey(level, edition) : null;
  const named: { id: string; key: string }[] = wanted
    ? await manager.query(`SELECT id, key FROM region_sets WHERE key = $1`, [wanted])
    : [];
  const set = wanted ? (named[0] ?? null) : await currentSet(manager, level);
  if (!set)
    throw new FileRejected(
      wanted
        ? `there is no region set ${wanted}: import its regions first`
        : `no regions of level "${level}" exist yet: import regions first`,
    );
  return set;
}

/** Shapes named differently from the set's regions are of other boundaries: the file is refused whole. */
function refuseOtherEdition(
  features: GeometryFeature[],
  names: Map<string, string>,
  level: string,
  set: string,
): void {
  const mismatches = features.flatMap((f) => {
    const known = names.get(f.code);
    return f.name !== null && known !== undefined && !sameName(known, f.name)
      ? [
          `${level === 'constituency' ? 'district' : level} ${f.code} is '${known}' here and '${f.name}' in the file`,
        ]
      : [];
  });
  if (mismatches.length === 0) return;
  const more = mismatches.length - MISMATCHES_NAMED;
  throw new FileRejected(
    `${mismatches.slice(0, MISMATCHES_NAMED).join('; ')}${more > 0 ? ` (and ${more} more)` : ''}: these shapes ` +
      `belong to another edition than ${set}; name the right one with --edition`,
  );
}

/** Rebuilds the set's map document from every shape it has; its ETag changes only when the document does. */
async function storeDisplay(
  manager: EntityManager,
  setId: string,
  attribution: string | null,
): Promise<void> {
  const shapes: RegionShape[] = await manager.query(
    `SELECT r.id, r.code, r.name, g.geometry FROM region_geometries g JOIN regions r ON r.id = g.region_id
     WHERE r.set_id = $1 ORDER BY length(r.code), r.code`,
    [setId],
  );
  if (shapes.length === 0) return;
  const before: { source: string | null }[] = await manager.query(
    `SELECT source FROM region_set_geometries WHERE set_id = $1`,
    [setId],
  );
  const source = attribution ?? before[0]?.source ?? null;
  const topology = displayTopology(shapes, source);
  await manager.query(
    `INSERT INTO region_set_geometries (set_id, topology, etag, source) VALUES ($1, $2, $3, $4)
     ON CONFLICT (set_id) DO UPDATE SET topology = EXCLUDED.topology, etag = EXCLUDED.etag,
       source = EXCLUDED.source, updated_at = now()
     WHERE region_set_geometries.etag <> EXCLUDED.etag`,
    [setId, JSON.stringify(topology), etagOf(topology), source],
  );
}
