import type { EntityManager } from 'typeorm';
import type { CurrentSetChange, EditionChanges, ImportContext, ImportReport } from '../csv/import-context.js';
import { FileRejected } from '../csv/sniff.js';
import { compareEditions, newestFirst, type RegionFacts } from './editions.js';
import {
  refuseOtherEdition,
  setsOfEdition,
  upsertFeatures,
  upsertRegions,
  type FeatureDefinition,
  type RegionUpsert,
  type WriteCounts,
} from './region-writer.js';

/**
 * Writes an import's regions into the sets of their edition, in one transaction: refused whole when the names
 * say the file is of another edition, or when results name an edition whose districts the database does not hold;
 * reported with how the sets differ from the other editions. A set becomes current only where its level has none
 * yet, or when the import says so (`makeCurrent`, which moves contacts only as far as `allowUnassigned` lets it).
 */
export async function writeIntoSets(
  ctx: ImportContext,
  edition: string,
  rows: RegionUpsert[],
  features: FeatureDefinition[],
  source: 'regions' | 'results',
): Promise<WriteCounts & { report: ImportReport }> {
  const levels = [...new Set(rows.map((r) => r.level))];
  const contactLevel = ctx.options.regionLevel ?? 'constituency';
  const write = ctx.dataSource.transaction(async (manager) => {
    if (source === 'results') await refuseUnknownEdition(manager, edition, levels, contactLevel);
    const sets = await setsOfEdition(manager, edition, levels);
    await refuseOtherEdition(manager, sets, rows, source);
    await upsertFeatures(manager, features, source);
    const counts = await upsertRegions(manager, sets, rows);
    const written: SetInfo[] = await manager.query(
      `SELECT ${SET_COLUMNS} FROM region_sets WHERE id = ANY($1) ORDER BY key`,
      [levels.map((level) => sets.get(level)!.id)],
    );
    const editions: EditionChanges[] = [];
    const current: CurrentSetChange[] = [];
    // A new edition is compared with the others once, when it arrives.
    for (const set of written.filter((w) => sets.get(w.level)!.created)) {
      const changes = await editionChanges(manager, set);
      if (changes) editions.push(changes);
    }
    for (const set of written) {
      const change =
        ctx.options.makeCurrent && source === 'regions'
          ? await makeCurrent(manager, set, contactLevel, { by: null }, ctx.options.allowUnassigned ?? false)
          : await adoptIfNone(manager, set, contactLevel);
      if (change) current.push(change);
    }
    return { ...counts, report: { sets: written.map((s) => s.key), editions, current } };
  });
  return write.catch((e: unknown) => {
    throw e instanceof UnassignedContacts ? new FileRejected(e.message) : e;
  });
}

/**
 * Results belong to districts the database holds: results of an edition whose sets do not exist, on a level that
 * has sets of other editions, would create districts without areas or statistics and leave contacts behind. A
 * fresh level (no sets at all) takes them, as the first regions it has.
 */
async function refuseUnknownEdition(
  manager: EntityManager,
  edition: string,
  levels: string[],
  contactLevel: string,
): Promise<void> {
  const held: { level: string; editions: string[]; has: boolean }[] = await manager.query(
    `SELECT level, array_agg(edition ORDER BY edition) AS editions, bool_or(edition = $2) AS has
     FROM region_sets WHERE level = ANY($1) GROUP BY level`,
    [levels, edition],
  );
  const missing = held.filter((h) => !h.has && h.level !== 'nation');
  if (missing.length === 0) return;
  const level = missing.find((m) => m.level === contactLevel) ?? missing[0];
  const what = level.level === 'constituency' ? 'districts' : `${level.level} regions`;
  const editions = level.editions.map((e) => e || '(no edition)').join(' and ');
  throw new FileRejected(
    `these are ${edition || 'undated'} results; this database holds the ${editions} ${what}: ` +
      `import the ${edition} Strukturdaten first, or pass --edition`,
  );
}

const SET_COLUMNS = 'id, key, level, edition, created_at AS "createdAt"';

/** The set with this key (`constituency/2025`), or null. */
export async function setByKey(manager: EntityManager, key: string): Promise<SetInfo | null> {
  const rows: SetInfo[] = await manager.query(`SELECT ${SET_COLUMNS} FROM region_sets WHERE key = $1`, [key]);
  return rows[0] ?? null;
}

export interface SetInfo {
  id: string;
  key: string;
  level: string;
  edition: string;
  createdAt: Date;
}

/** The set contacts and postal codes of a level are assigned to; null before any regions of the level exist. */
export async function currentSet(manager: EntityManager, level: string): Promise<SetInfo | null> {
  const rows: SetInfo[] = await manager.query(
    `SELECT s.id, s.key, s.level, s.edition, s.created_at AS "createdAt"
     FROM region_levels l JOIN region_sets s ON s.id = l.current_set_id WHERE l.level = $1`,
    [level],
  );
  return rows[0] ?? null;
}

/** Code, name and area (the latest area value) of every region of a set. */
export async function regionFacts(
  manager: EntityManager,
  setId: string,
): Promise<(RegionFacts & { id: string })[]> {
  return manager.query(
    `SELECT r.id, r.code, r.name, a.value AS area FROM regions r
     LEFT JOIN LATERAL (SELECT value FROM feature_values v WHERE v.region_id = r.id AND v.feature_key = 'area_km2'
       ORDER BY as_of DESC NULLS LAST LIMIT 1) a ON true
     WHERE r.set_id = $1`,
    [setId],
  );
}

/**
 * After an import: a level without a current set (a fresh database) takes the set just written. A level that has
 * one keeps it: changing it moves contacts, which only a person decides (PUT /region-sets/current, or an import
 * that says so).
 */
export async function adoptIfNone(
  manager: EntityManager,
  set: SetInfo,
  contactLevel: string,
): Promise<CurrentSetChange | null> {
  if (await currentSet(manager, set.level)) return null;
  return makeCurrent(manager, set, contactLevel, false, true);
}

/**
 * Makes a set the current one of its level (chosen by a person, who may be the CLI's nobody, or taken by a level
 * that had none), and re-assigns the level's contacts from their postal codes. Null when it already was current.
 * A change that would leave contacts without a region is refused (UnassignedContacts, with the counts) unless
 * `allowUnassigned`; the caller's transaction then writes nothing.
 */
export async function makeCurrent(
  manager: EntityManager,
  set: SetInfo,
  contactLevel: string,
  chosen: false | { by: string | null },
  allowUnassigned: boolean,
): Promise<CurrentSetChange | null> {
  const before = await currentSet(manager, set.level);
  await manager.query(
    `INSERT INTO region_levels (level, current_set_id, chosen_by, chosen_at)
     VALUES ($1, $2, $3, CASE WHEN $4 THEN now() END)
     ON CONFLICT (level) DO UPDATE SET current_set_id = EXCLUDED.current_set_id,
       chosen_by = EXCLUDED.chosen_by, chosen_at = EXCLUDED.chosen_at`,
    [set.level, set.id, chosen ? chosen.by : null, chosen !== false],
  );
  if (before?.id === set.id) return null;
  const contacts =
    set.level === contactLevel ? await moveContacts(manager, before?.id ?? null, set.id) : zeroMoves();
  const change = { level: set.level, from: before?.key ?? null, to: set.key, contacts };
  if (contacts.unassigned > 0 && !allowUnassigned) throw new UnassignedContacts(change);
  return change;
}

/** Making a set current would leave contacts without a region, and nobody said that is fine. */
export class UnassignedContacts extends Error {
  constructor(readonly change: CurrentSetChange) {
    const { moved, unassigned } = change.contacts;
    super(
      `making ${change.to} the current ${change.level} set would move ${moved} contacts and leave ${unassigned} ` +
        `of them without a region (their postal codes are not in its postcode table and their districts changed): ` +
        `import its postal codes first, or allow contacts without a region (allowUnassigned: true, --allow-unassigned)`,
    );
  }
}

const zeroMoves = () => ({ byPostcode: 0, sameDistrict: 0, unassigned: 0, moved: 0 });

/**
 * Contacts go to the region their postal code has in the new set; without one, to the same district when its
 * boundaries did not change (same code, name and area); otherwise to none, and are counted.
 */
async function moveContacts(manager: EntityManager, fromSet: string | null, toSet: string) {
  const same = fromSet
    ? await (async () => {
        const [old, now] = await Promise.all([regionFacts(manager, fromSet), regionFacts(manager, toSet)]);
        const unchanged = new Set(compareEditions(old, now).unchanged);
        const newId = new Map(now.map((r) => [r.code, r.id]));
        return old.filter((r) => unchanged.has(r.code)).map((r) => ({ old: r.id, now: newId.get(r.code)! }));
      })()
    : [];
  const [counts]: { by_postcode: number; same_district: number; unassigned: number; moved: number }[] =
    await manager.query(
      `WITH target AS (
       SELECT c.id, c.region_id AS was, pc.region_id AS by_postcode, s.now AS same_district
       FROM contacts c
       LEFT JOIN postcodes pc ON pc.set_id = $1 AND pc.postcode = c.postal_code
       LEFT JOIN jsonb_to_recordset($2::jsonb) AS s(old uuid, now uuid) ON s.old = c.region_id
       WHERE c.region_id IS NOT NULL OR c.postal_code IS NOT NULL
     ), moved AS (
       UPDATE contacts c SET region_id = COALESCE(t.by_postcode, t.same_district)
       FROM target t WHERE c.id = t.id AND c.region_id IS DISTINCT FROM COALESCE(t.by_postcode, t.same_district)
       RETURNING c.id
     ) -- runs although nothing reads it
     SELECT count(*) FILTER (WHERE by_postcode IS NOT NULL)::int AS by_postcode,
       count(*) FILTER (WHERE by_postcode IS NULL AND same_district IS NOT NULL)::int AS same_district,
       count(*) FILTER (WHERE by_postcode IS NULL AND same_district IS NULL AND was IS NOT NULL)::int AS unassigned,
       count(*) FILTER (WHERE was IS DISTINCT FROM COALESCE(by_postcode, same_district))::int AS moved
     FROM target`,
      [toSet, JSON.stringify(same)],
    );
  return {
    byPostcode: counts.by_postcode,
    sameDistrict: counts.same_district,
    unassigned: counts.unassigned,
    moved: counts.moved,
  };
}

/** A report lists this many changed regions; the count has them all. */
const CHANGES_LISTED = 50;

/**
 * How a set compares with the edition people work with: the level's current set, or when this set is current
 * the newest other one. Null when the level has no other set.
 */
export async function editionChanges(manager: EntityManager, set: SetInfo): Promise<EditionChanges | null> {
  const current = await currentSet(manager, set.level);
  const others: SetInfo[] = await manager.query(
    `SELECT ${SET_COLUMNS} FROM region_sets WHERE level = $1 AND id <> $2`,
    [set.level, set.id],
  );
  const other = current && current.id !== set.id ? current : newestFirst(others)[0];
  if (!other) return null;
  const diff = compareEditions(await regionFacts(manager, other.id), await regionFacts(manager, set.id));
  return {
    set: set.key,
    comparedWith: other.key,
    unchanged: diff.unchanged.length,
    changedCount: diff.changed.length,
    changed: diff.changed.slice(0, CHANGES_LISTED),
  };
}
