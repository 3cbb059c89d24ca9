import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { AppError, ErrorCode } from '../common/errors.js';
import { Env } from '../config/config.js';
import { Feature } from '../regions/feature.entity.js';
import { currentSet, setByKey, type SetInfo } from '../regions/region-sets.js';
import { chooseK, judgeChoice } from './choose-k.js';
import { adjustedRandIndex } from './quality.js';
import { prepareFeatures } from './features.js';
import { DEFAULT_PRESET, LOG_SCALED_BY_DEFAULT, PRESETS } from './presets.js';
import { profileSegments } from './profiles.js';
import type {
  CreateSegmentationDto,
  SegmentationRunDto,
  SegmentDto,
  UpdateSegmentDto,
} from './segmentation.dto.js';
import { Segment, SegmentationRun } from './segmentation.entities.js';

type Member = { id: string; code: string; name: string };

interface Subjects {
  ids: string[];
  set?: SetInfo;
  /** The day of the values used, per feature. */
  dates?: Record<string, string | null>;
  value: (key: string, row: number) => number | null | undefined;
  /** Inhabitants in thousands per row (regions only). */
  population: (number | null)[];
}

/** Memberships are written in statements of this many rows. */
const MEMBER_BATCH = 20_000;

/** The widest k range one run may scan (each k is a full clustering with restarts and a silhouette). */
const MAX_K_SPAN = 15;
/** A comparison lists at most this many moved members; `movedCount` has them all. */
const MOVED_LISTED = 1000;

const bad = (message: string, details?: unknown) => new AppError(ErrorCode.BadRequest, message, details);

function parseK(raw: string | undefined): [number, number] {
  const [low, high] = (raw ?? '3-10').split('-').map(Number);
  return [low, high ?? low];
}

@Injectable()
export class SegmentationService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly env: Env,
  ) {}

  /**
   * The presets, each said to be available or not on one set (the current set of the contacts' level by default):
   * a preset needs values of every feature it names in the set, and names those it lacks.
   */
  async presets(key?: string) {
    const set = key
      ? await setByKey(this.db.manager, key)
      : await currentSet(this.db.manager, this.env.CONTACT_REGION_LEVEL);
    if (key && !set)
      throw new AppError(ErrorCode.NotFound, `There is no region set ${key} (see GET /region-sets)`);
    const have = set ? await this.featuresOf(set) : new Set<string>();
    return {
      set: set?.key ?? null,
      presets: Object.entries(PRESETS).map(([name, features]) => {
        const missing = features.filter((f) => !have.has(f));
        return { key: name, features, default: name === DEFAULT_PRESET, available: !missing.length, missing };
      }),
      logScaledByDefault: [...LOG_SCALED_BY_DEFAULT],
    };
  }

  /** The features a set has values of. */
  private async featuresOf(set: SetInfo): Promise<Set<string>> {
    const rows: { key: string }[] = await this.db.query(
      `SELECT DISTINCT v.feature_key AS key FROM feature_values v JOIN regions r ON r.id = v.region_id
       WHERE r.set_id = $1 AND v.value IS NOT NULL`,
      [set.id],
    );
    return new Set(rows.map((r) => r.key));
  }

  /** Clusters the regions of one level, profiles the segments and stores the run beside earlier ones. */
  async create(dto: CreateSegmentationDto, staffId: string | null): Promise<SegmentationRunDto> {
    const started = performance.now();
    const target = dto.target ?? 'regions';
    if (target === 'contacts' && !dto.features)
      throw bad('a run over contacts needs the attribute keys to use (features)');
    const preset = dto.features ? null : (dto.preset ?? DEFAULT_PRESET);
    const keys = [...new Set(dto.features ?? PRESETS[preset!])];
    const [kMin, kMax] = parseK(dto.k);
    const seed = dto.seed ?? 42;
    const restarts = dto.restarts ?? 5;

    const regionSet = target === 'regions' ? await this.regionSet(dto) : null;
    if (preset && regionSet) {
      const have = await this.featuresOf(regionSet);
      const missing = keys.filter((k) => !have.has(k));
      if (missing.length)
        throw bad(
          `the preset ${preset} is not available on ${regionSet.key}: it has no values of ${missing.join(', ')} ` +
            `(GET /segmentations/presets lists what each preset needs; choose features instead)`,
          { preset, set: regionSet.key, missing },
        );
    }
    const subjects = regionSet
      ? await this.regionSubjects(regionSet, keys, dto.asOf ?? null)
      : await this.contactSubjects(keys);
    const rows = subjects.ids.length;
    if (rows === 0)
      throw bad(
        `there are no ${target === 'contacts' ? 'contacts with these attributes' : `regions in ${subjects.set!.key}`} to cluster`,
      );
    if (kMin < 2 || kMax < kMin)
      throw bad('k must be at least 2, and a range must run from low to high (e.g. 3-10)');
    if (kMax > rows) throw bad(`k cannot exceed the number of ${target} (${rows})`);
    if (kMax - kMin > MAX_K_SPAN) throw bad(`a k range may span at most ${MAX_K_SPAN} values`);

    const logScaled = new Set(dto.logScaled ?? [...LOG_SCALED_BY_DEFAULT]);
    const value = subjects.value;
    const prepared = prepareFeatures(keys, value, rows, (key) =>
      logScaled.has(key) ? 'log-zscore' : 'zscore',
    );
    if (prepared.refused.length) {
      throw bad(
        `features that cannot separate ${target}: ${prepared.refused.map((r) => `${r.key} (${r.reason})`).join('; ')}`,
        { refused: prepared.refused },
      );
    }
    const options = { seed, restarts };
    const choice = chooseK(prepared.matrix, kMin, kMax, options);
    const { best, table } = choice;
    const judged = judgeChoice(prepared.matrix, choice, options);
    const profiles = profileSegments(prepared, best, value);
    const chosen = table.find((row) => row.k === best.k)!;

    const runId = await this.db.transaction(async (manager) => {
      const run = await manager.getRepository(SegmentationRun).save({
        target,
        level: target === 'contacts' ? 'contact' : subjects.set!.level,
        regionSetId: subjects.set?.id ?? null,
        featureDates: subjects.dates ?? {},
        preset,
        featureKeys: keys,
        featureStats: prepared.stats,
        kMin,
        kMax,
        k: best.k,
        seed,
        restarts,
        kTable: table,
        inertia: best.inertia,
        silhouette: chosen.silhouette,
        stability: judged.stability,
        silhouetteNoise: judged.silhouetteNoise,
        nearTies: judged.nearTies,
        rows,
        durationMs: Math.round(performance.now() - started),
        createdBy: staffId,
      });
      const segments = await manager.getRepository(Segment).save(
        profiles.map((p) => ({
          runId: run.id,
          index: p.index,
          size: p.size,
          inhabitants: target === 'regions' ? inhabitants(subjects.population, best.labels, p.index) : null,
          centroid: p.centroid,
          distinguishing: p.distinguishing,
          labelDe: p.label.de,
          labelEn: p.label.en,
        })),
      );
      const memberTable =
        target === 'contacts'
          ? 'segment_contact_members (run_id, contact_id'
          : 'segment_members (run_id, region_id';
      for (let from = 0; from < rows; from += MEMBER_BATCH) {
        const batch = subjects.ids
          .slice(from, from + MEMBER_BATCH)
          .map((id, i) => ({ id, segment: segments[best.labels[from + i]].id }));
        await manager.query(
          `INSERT INTO ${memberTable}, segment_id)
           SELECT $1, m.id, m.segment FROM jsonb_to_recordset($2::jsonb) AS m(id uuid, segment uuid)`,
          [run.id, JSON.stringify(batch)],
        );
      }
      return run.id;
    });
    await this.audit.record(staffId, 'segmentation.create', 'segmentation-run', runId, {
      level: subjects.set?.level ?? 'contact',
      set: subjects.set?.key,
      keys,
      k: best.k,
    });
    return this.get(runId);
  }

  /** Member regions per segment (none for contact runs), in code order. */
  private async regionsOf(segmentIds: string[]): Promise<Map<string, Member[]>> {
    const rows: (Member & { segment_id: string })[] = await this.db.query(
      `SELECT m.segment_id, r.id, r.code, r.name FROM segment_members m JOIN regions r ON r.id = m.region_id
       WHERE m.segment_id = ANY($1) ORDER BY length(r.code), r.code`,
      [segmentIds],
    );
    const bySegment = new Map<string, Member[]>();
    for (const { segment_id, ...region } of rows) {
      const list = bySegment.get(segment_id) ?? [];
      if (list.length === 0) bySegment.set(segment_id, list);
      list.push(region);
    }
    return bySegment;
  }

  /** Contacts per segment: through their region for region runs, directly for contact runs. */
  private async contactCounts(segmentIds: string[]): Promise<Map<string, number>> {
    const rows: { segment_id: string; n: number }[] = await this.db.query(
      `SELECT m.segment_id, count(c.id)::int AS n FROM segment_members m JOIN contacts c ON c.region_id = m.region_id
       WHERE m.segment_id = ANY($1) GROUP BY m.segment_id
       UNION ALL
       SELECT segment_id, count(*)::int FROM segment_contact_members WHERE segment_id = ANY($1) GROUP BY segment_id`,
      [segmentIds],
    );
    return new Map(rows.map((r) => [r.segment_id, r.n]));
  }

  /** The set named, or the current set of the level (the contacts' level by default). */
  private async regionSet(dto: CreateSegmentationDto): Promise<SetInfo> {
    const level = dto.level ?? this.env.CONTACT_REGION_LEVEL;
    if (!dto.set) {
      const current = await currentSet(this.db.manager, level);
      if (!current) throw bad(`there are no regions of level "${level}" to cluster: import regions first`);
      return current;
    }
    const set = await setByKey(this.db.manager, dto.set);
    if (!set) throw bad(`there is no region set ${dto.set} (see GET /region-sets)`);
    if (dto.level && set.level !== dto.level)
      throw bad(`the set ${dto.set} is of level ${set.level}, not ${dto.level}`);
    return set;
  }

  /**
   * The regions of one set with, per feature, its values of one day: the latest (on or before `asOf` when given),
   * so a run never mixes the days of two editions of a statistic.
   */
  private async regionSubjects(set: SetInfo, keys: string[], asOf: string | null): Promise<Subjects> {
    const known: { key: string }[] = await this.db.query(`SELECT key FROM features WHERE key = ANY($1)`, [
      keys,
    ]);
    const unknown = keys.filter((k) => !known.some((f) => f.key === k));
    if (unknown.length) throw bad(`unknown feature keys: ${unknown.join(', ')} (see GET /features)`);
    const found: { key: string; as_of: string | null }[] = await this.db.query(
      `SELECT v.feature_key AS key, to_char(max(v.as_of), 'YYYY-MM-DD') AS as_of
       FROM feature_values v JOIN regions r ON r.id = v.region_id
       WHERE r.set_id = $1 AND v.feature_key = ANY($2) AND ($3::date IS NULL OR v.as_of <= $3 OR v.as_of IS NULL)
       GROUP BY v.feature_key`,
      [set.id, [...keys, 'population_k'], asOf],
    );
    const dates = new Map(found.map((f) => [f.key, f.as_of]));
    const missing = keys.filter((k) => !dates.has(k));
    if (missing.length)
      throw bad(
        `no values in ${set.key}${asOf ? ` on or before ${asOf}` : ''} for: ${missing.join(', ')} (see GET /features)`,
      );
    const regions: { id: string; features: Record<string, number | null> | null }[] = await this.db.query(
      `SELECT r.id, jsonb_object_agg(v.feature_key, v.value) FILTER (WHERE v.feature_key IS NOT NULL) AS features
       FROM regions r
       LEFT JOIN (feature_values v JOIN jsonb_to_recordset($2::jsonb) AS d(key text, "asOf" date)
         ON d.key = v.feature_key AND COALESCE(d."asOf", '-infinity') = COALESCE(v.as_of, '-infinity'))
         ON v.region_id = r.id
       WHERE r.set_id = $1
       GROUP BY r.id, r.code ORDER BY length(r.code), r.code`,
      [set.id, JSON.stringify(found.map((f) => ({ key: f.key, asOf: f.as_of })))],
    );
    return {
      ids: regions.map((r) => r.id),
      set,
      dates: Object.fromEntries(keys.map((k) => [k, dates.get(k) ?? null])),
      value: (key, row) => regions[row].features?.[key],
      population: regions.map((r) => r.features?.population_k ?? null),
    };
  }

  /** Contacts that declared at least one of the attributes, with the numeric values they gave. */
  private async contactSubjects(keys: string[]): Promise<Subjects> {
    const known: { key: string }[] = await this.db.query(
      `SELECT DISTINCT k AS key FROM contacts, jsonb_object_keys(attributes) AS k WHERE k = ANY($1)`,
      [keys],
    );
    const unknown = keys.filter((k) => !known.some((f) => f.key === k));
    if (unknown.length) throw bad(`no contact declared the attributes ${unknown.join(', ')}`);
    const contacts: { id: string; attributes: Record<string, unknown> }[] = await this.db.query(
      `SELECT id, attributes FROM contacts WHERE attributes ?| $1 ORDER BY id`,
      [keys],
    );
    return {
      ids: contacts.map((c) => c.id),
      value: (key, row) => {
        const v = contacts[row].attributes[key];
        return typeof v === 'number' ? v : null;
      },
      population: [],
    };
  }

  async list() {
    const runs = await this.db.getRepository(SegmentationRun).find({ order: { createdAt: 'DESC' } });
    const sets = await this.setKeys(runs);
    return runs.map(
      ({
        id,
        level,
        regionSetId,
        preset,
        featureKeys,
        k,
        silhouette,
        stability,
        nearTies,
        rows,
        createdAt,
      }) => ({
        id,
        level,
        regionSet: regionSetId ? (sets.get(regionSetId) ?? null) : null,
        preset,
        features: featureKeys,
        k,
        silhouette,
        stability,
        nearTies,
        rows,
        createdAt,
      }),
    );
  }

  private async setKeys(runs: SegmentationRun[]): Promise<Map<string, string>> {
    const ids = [...new Set(runs.map((r) => r.regionSetId).filter((id) => id !== null))];
    const rows: { id: string; key: string }[] = ids.length
      ? await this.db.query(`SELECT id, key FROM region_sets WHERE id = ANY($1)`, [ids])
      : [];
    return new Map(rows.map((r) => [r.id, r.key]));
  }

  async get(id: string): Promise<SegmentationRunDto> {
    const run = await this.db.getRepository(SegmentationRun).findOneBy({ id });
    if (!run) throw new AppError(ErrorCode.NotFound, 'No segmentation run with this id');
    const segments = await this.db
      .getRepository(Segment)
      .find({ where: { runId: id }, order: { index: 'ASC' } });
    const members = await this.regionsOf(segments.map((s) => s.id));
    const contacts = await this.contactCounts(segments.map((s) => s.id));
    const contactsOf = (segmentId: string) => contacts.get(segmentId) ?? 0;
    const edits = await this.lastEdits(segments.map((s) => s.id));
    return {
      id: run.id,
      target: run.target,
      level: run.level,
      regionSet: run.regionSetId ? ((await this.setKeys([run])).get(run.regionSetId) ?? null) : null,
      featureDates: run.featureDates,
      preset: run.preset,
      features: run.featureKeys,
      k: run.k,
      kRange: [run.kMin, run.kMax],
      seed: run.seed,
      restarts: run.restarts,
      kTable: run.kTable,
      inertia: run.inertia,
      silhouette: run.silhouette,
      stability: run.stability,
      silhouetteNoise: run.silhouetteNoise,
      nearTies: run.nearTies,
      featureStats: run.featureStats,
      rows: run.rows,
      durationMs: run.durationMs,
      createdAt: run.createdAt,
      segments: segments.map((s) =>
        toSegmentDto(s, members.get(s.id) ?? [], contactsOf(s.id), edits.get(s.id) ?? null),
      ),
    };
  }

  /** The latest change a person made to each segment's name or notes, from the audit log. */
  private async lastEdits(segmentIds: string[]): Promise<Map<string, SegmentEdit>> {
    const rows: { entity_id: string; at: Date; name: string | null }[] = await this.db.query(
      `SELECT DISTINCT ON (a.entity_id) a.entity_id, a.at, s.name
       FROM audit_log a LEFT JOIN staff_users s ON s.id = a.staff_user_id
       WHERE a.entity_type = 'segment' AND a.action = 'segment.update' AND a.entity_id = ANY($1)
       ORDER BY a.entity_id, a.id DESC`,
      [segmentIds],
    );
    return new Map(rows.map((r) => [r.entity_id, { by: r.name, at: r.at }]));
  }

  /**
   * A run's segments × features in one answer: per segment and feature the mean in real units and the standard
   * score, with each feature's label, unit, day and spread, for a heatmap and its table.
   */
  async profile(id: string) {
    const run = await this.db.getRepository(SegmentationRun).findOneBy({ id });
    if (!run) throw new AppError(ErrorCode.NotFound, 'No segmentation run with this id');
    const segments = await this.db
      .getRepository(Segment)
      .find({ where: { runId: id }, order: { index: 'ASC' } });
    const catalogue = await this.db
      .getRepository(Feature)
      .findBy({ key: In(run.featureKeys) })
      .then((rows) => new Map(rows.map((f) => [f.key, f])));
    const cell = (s: Segment, key: string) => s.centroid.find((c) => c.key === key);
    return {
      runId: run.id,
      features: run.featureKeys.map((key) => {
        const stats = run.featureStats.find((f) => f.key === key);
        return {
          key,
          label: catalogue.get(key)?.label ?? key,
          unit: catalogue.get(key)?.unit ?? null,
          asOf: run.featureDates[key] ?? null,
          mean: stats?.mean ?? null,
          sd: stats?.sd ?? null,
        };
      }),
      segments: segments.map((s) => ({
        id: s.id,
        index: s.index,
        label: { de: s.labelDe, en: s.labelEn },
        name: s.name,
        size: s.size,
      })),
      values: segments.map((s) => run.featureKeys.map((key) => cell(s, key)?.value ?? null)),
      z: segments.map((s) => run.featureKeys.map((key) => cell(s, key)?.z ?? null)),
    };
  }

  /**
   * How far two runs over the same target agree (adjusted Rand index over the regions or contacts both cover) and
   * which of them moved. Contacts are named by id only: a comparison is about segments, not people.
   */
  async compare(id: string, otherId: string) {
    const runs = await this.db.getRepository(SegmentationRun).findBy({ id: In([id, otherId]) });
    const first = runs.find((r) => r.id === id);
    const second = runs.find((r) => r.id === otherId);
    if (!first || !second) throw new AppError(ErrorCode.NotFound, 'No segmentation run with this id');
    if (first.target !== second.target)
      throw bad(`one run is over ${first.target}, the other over ${second.target}: they cannot be compared`);
    if (first.regionSetId !== second.regionSetId) {
      const sets = await this.setKeys([first, second]);
      throw bad(
        `the runs cluster different region sets (${sets.get(first.regionSetId!)}, ${sets.get(second.regionSetId!)}), ` +
          'which share no regions: compare the editions with GET /region-sets/compare',
      );
    }
    const byRegion = first.target === 'regions';
    const rows: {
      id: string;
      code: string | null;
      name: string | null;
      a: number;
      b: number;
      a_label: string;
      b_label: string;
    }[] = await this.db.query(
      byRegion
        ? `SELECT r.id, r.code, r.name, sa.index AS a, sb.index AS b, sa.label_en AS a_label, sb.label_en AS b_label
             FROM segment_members ma
             JOIN segment_members mb ON mb.region_id = ma.region_id AND mb.run_id = $2
             JOIN segments sa ON sa.id = ma.segment_id
             JOIN segments sb ON sb.id = mb.segment_id
             JOIN regions r ON r.id = ma.region_id
             WHERE ma.run_id = $1 ORDER BY length(r.code), r.code`
        : `SELECT ma.contact_id AS id, NULL AS code, NULL AS name, sa.index AS a, sb.index AS b,
               sa.label_en AS a_label, sb.label_en AS b_label
             FROM segment_contact_members ma
             JOIN segment_contact_members mb ON mb.contact_id = ma.contact_id AND mb.run_id = $2
             JOIN segments sa ON sa.id = ma.segment_id
             JOIN segments sb ON sb.id = mb.segment_id
             WHERE ma.run_id = $1 ORDER BY ma.contact_id`,
      [id, otherId],
    );
    if (rows.length === 0) throw bad(`the two runs share no ${first.target}`);
    const ari = adjustedRandIndex(
      rows.map((r) => r.a),
      rows.map((r) => r.b),
    );
    // A member "moved" when its segment in the other run is not the one most of its old segment-mates went to.
    const destination = new Map<number, number>();
    const tally = new Map<string, number>();
    for (const r of rows) tally.set(`${r.a}:${r.b}`, (tally.get(`${r.a}:${r.b}`) ?? 0) + 1);
    for (const [pair, n] of tally) {
      const [a, b] = pair.split(':').map(Number);
      const best = destination.get(a);
      if (best === undefined || n > (tally.get(`${a}:${best}`) ?? 0)) destination.set(a, b);
    }
    const moved = rows.filter((r) => destination.get(r.a) !== r.b);
    const labels = new Map(
      rows.flatMap((r) => [[`a${r.a}`, r.a_label] as const, [`b${r.b}`, r.b_label] as const]),
    );
    return {
      runs: [id, otherId],
      target: first.target,
      compared: rows.length,
      ari,
      movedCount: moved.length,
      flows: [...tally]
        .map(([pair, count]) => {
          const [a, b] = pair.split(':').map(Number);
          return {
            from: { index: a, label: labels.get(`a${a}`)! },
            to: { index: b, label: labels.get(`b${b}`)! },
            count,
          };
        })
        .sort((x, y) => x.from.index - y.from.index || x.to.index - y.to.index),
      moved: moved.slice(0, MOVED_LISTED).map((r) => ({
        id: r.id,
        ...(byRegion && { code: r.code, name: r.name }),
        from: { index: r.a, label: r.a_label },
        to: { index: r.b, label: r.b_label },
      })),
    };
  }

  async update(id: string, dto: UpdateSegmentDto, staffId: string): Promise<SegmentDto> {
    const segments = this.db.getRepository(Segment);
    const segment = await segments.findOneBy({ id });
    if (!segment) throw new AppError(ErrorCode.NotFound, 'No segment with this id');
    const changes = {
      ...(dto.name !== undefined && { name: dto.name }),
      ...(dto.notes !== undefined && { notes: dto.notes }),
    };
    await segments.update(id, changes);
    await this.audit.record(staffId, 'segment.update', 'segment', id, {
      before: { name: segment.name, notes: segment.notes },
      after: changes,
    });
    const members = (await this.regionsOf([id])).get(id) ?? [];
    const n = (await this.contactCounts([id])).get(id) ?? 0;
    return toSegmentDto({ ...segment, ...changes }, members, n, (await this.lastEdits([id])).get(id) ?? null);
  }
}

function inhabitants(population: (number | null)[], labels: Int32Array, segment: number): number | null {
  let sum = 0;
  let known = false;
  population.forEach((thousands, i) => {
    if (labels[i] === segment && typeof thousands === 'number') {
      sum += thousands * 1000;
      known = true;
    }
  });
  return known ? Math.round(sum) : null;
}

interface SegmentEdit {
  by: string | null;
  at: Date;
}

function toSegmentDto(
  s: Segment,
  regions: Member[],
  contacts: number,
  edited: SegmentEdit | null,
): SegmentDto {
  return {
    id: s.id,
    index: s.index,
    size: s.size,
    inhabitants: s.inhabitants,
    contacts,
    label: { de: s.labelDe, en: s.labelEn },
    name: s.name,
    notes: s.notes,
    centroid: s.centroid,
    distinguishing: s.distinguishing,
    regions: regions.map(({ id, code, name }) => ({ id, code, name })),
    edited,
  };
}
