import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { AppError, ErrorCode } from '../common/errors.js';
import type { Page } from '../common/pagination.js';
import { Env } from '../config/config.js';
import { compareEditions } from './editions.js';
import { matchesEtag, type Topology } from './geometry-display.js';
import {
  currentSet,
  makeCurrent,
  regionFacts,
  setByKey,
  UnassignedContacts,
  type SetInfo,
} from './region-sets.js';
import { valuesOnDay } from './set-values.js';
import type {
  CompareEditionsQuery,
  FeatureDto,
  RegionDto,
  RegionQuery,
  RegionSetDto,
} from './regions.dto.js';

/** Each region with its parent, its set and, per feature, the latest value and its day. */
const REGION_COLUMNS = `r.id, s.key AS set, r.code, r.name, r.level,
  CASE WHEN p.id IS NULL THEN NULL ELSE json_build_object('id', p.id, 'code', p.code, 'level', p.level, 'name', p.name) END AS parent,
  COALESCE(v.features, '{}') AS features, COALESCE(v.dates, '{}') AS "featureDates"`;
const REGION_JOINS = `JOIN region_sets s ON s.id = r.set_id
  LEFT JOIN regions p ON p.id = r.parent_id
  LEFT JOIN LATERAL (
    SELECT jsonb_object_agg(l.feature_key, l.value) AS features, jsonb_object_agg(l.feature_key, l.as_of) AS dates
    FROM (SELECT DISTINCT ON (feature_key) feature_key, value, as_of FROM feature_values
          WHERE region_id = r.id ORDER BY feature_key, as_of DESC NULLS LAST) l) v ON true`;

const bad = (message: string) => new AppError(ErrorCode.BadRequest, message);

@Injectable()
export class RegionsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly env: Env,
  ) {}

  /** Regions of the sets asked for: one set, or the current set of each level (or of one). */
  async list(query: RegionQuery): Promise<Page<RegionDto>> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.set) where.push(`s.key = $${params.push(query.set)}`);
    else where.push(`s.id IN (SELECT current_set_id FROM region_levels)`);
    if (query.level) where.push(`r.level = $${params.push(query.level)}`);
    if (query.parentId) where.push(`r.parent_id = $${params.push(query.parentId)}`);
    if (query.parent) {
      const [level, code] = query.parent.includes(':') ? query.parent.split(':', 2) : [null, query.parent];
      where.push(`p.code = $${params.push(code)}` + (level ? ` AND p.level = $${params.push(level)}` : ''));
    }
    const filter = `WHERE ${where.join(' AND ')}`;
    const from = `FROM regions r JOIN region_sets s ON s.id = r.set_id LEFT JOIN regions p ON p.id = r.parent_id`;
    const [{ total }]: { total: number }[] = await this.db.query(
      `SELECT count(*)::int AS total ${from} ${filter}`,
      params,
    );
    // Regions sort by level, then numerically where codes are numbers (Wahlkreis 2 before 10).
    const items: RegionDto[] = await this.db.query(
      `SELECT ${REGION_COLUMNS} FROM (
         SELECT r.id ${from} ${filter} ORDER BY r.level, length(r.code), r.code
         LIMIT $${params.push(query.perPage)} OFFSET $${params.push((query.page - 1) * query.perPage)}) page
       JOIN regions r ON r.id = page.id ${REGION_JOINS}
       ORDER BY r.level, length(r.code), r.code`,
      params,
    );
    return { items, total, page: query.page, perPage: query.perPage };
  }

  async get(id: string): Promise<RegionDto> {
    const rows: RegionDto[] = await this.db.query(
      `SELECT ${REGION_COLUMNS} FROM regions r ${REGION_JOINS} WHERE r.id = $1`,
      [id],
    );
    if (!rows[0]) throw new AppError(ErrorCode.NotFound, 'No region with this id');
    return rows[0];
  }

  /** The catalogue: per feature, which days have values, in which sets. */
  features(): Promise<FeatureDto[]> {
    return this.db.query(
      `WITH per_day AS (
         SELECT v.feature_key AS key, to_char(v.as_of, 'YYYY-MM-DD') AS "asOf", array_agg(DISTINCT s.key) AS sets,
           count(*) FILTER (WHERE v.value IS NOT NULL)::int AS regions
         FROM feature_values v JOIN regions r ON r.id = v.region_id JOIN region_sets s ON s.id = r.set_id
         GROUP BY v.feature_key, v.as_of)
       SELECT f.key, f.label, f.unit, f.source,
         COALESCE((SELECT sum(d.regions)::int FROM per_day d WHERE d.key = f.key), 0) AS regions,
         COALESCE((SELECT json_agg(json_build_object('asOf', d."asOf", 'sets', d.sets, 'regions', d.regions)
                     ORDER BY d."asOf" DESC NULLS LAST) FROM per_day d WHERE d.key = f.key), '[]') AS dates
       FROM features f ORDER BY f.source DESC, f.key`,
    );
  }

  async sets(): Promise<RegionSetDto[]> {
    return this.db.query(
      `SELECT s.id, s.key, s.level, s.edition, s.created_at AS "createdAt",
         (SELECT count(*)::int FROM regions r WHERE r.set_id = s.id) AS regions,
         l.level IS NOT NULL AS current, COALESCE(l.chosen_at IS NOT NULL, false) AS chosen,
         (SELECT count(*)::int FROM postcodes p WHERE p.set_id = s.id) AS postcodes,
         (SELECT count(*)::int FROM region_geometries g JOIN regions r ON r.id = g.region_id
          WHERE r.set_id = s.id) AS shapes,
         COALESCE((SELECT json_agg(x.day ORDER BY x.day DESC NULLS LAST) FROM (
           SELECT DISTINCT to_char(v.as_of, 'YYYY-MM-DD') AS day FROM feature_values v
           JOIN regions r ON r.id = v.region_id WHERE r.set_id = s.id) x), '[]') AS dates
       FROM region_sets s LEFT JOIN region_levels l ON l.current_set_id = s.id
       ORDER BY s.level, s.edition DESC`,
    );
  }

  private async findSet(key: string): Promise<SetInfo> {
    const set = await setByKey(this.db.manager, key);
    if (!set) throw new AppError(ErrorCode.NotFound, `There is no region set ${key} (see GET /region-sets)`);
    return set;
  }

  /**
   * A person chooses the current set of a level; its contacts are re-assigned and the move is reported. A choice
   * that would leave contacts without a region is refused (409, with the counts) unless `allowUnassigned`.
   */
  async chooseCurrent(key: string, staffId: string | null, allowUnassigned = false) {
    const set = await this.findSet(key);
    const change = await this.db
      .transaction((m) =>
        makeCurrent(m, set, this.env.CONTACT_REGION_LEVEL, { by: staffId }, allowUnassigned),
      )
      .catch((e: unknown) => {
        if (e instanceof UnassignedContacts)
          throw new AppError(ErrorCode.Conflict, e.message, { change: e.change });
        throw e;
      });
    await this.audit.record(staffId, 'region-set.current', 'region-set', set.id, { set: set.key, change });
    return { level: set.level, current: set.key, change };
  }

  /**
   * One feature in two editions, side by side for the regions whose boundaries did not change (same code, name
   * and area within 1 %); the others are listed with the reason, not compared.
   */
  async compare(query: CompareEditionsQuery) {
    const [from, to] = [await this.findSet(query.from), await this.findSet(query.to)];
    if (from.level !== to.level)
      throw bad(`${from.key} and ${to.key} are of different levels: compare two editions of one level`);
    const known: unknown[] = await this.db.query(`SELECT 1 FROM features WHERE key = $1`, [query.feature]);
    if (!known.length) throw bad(`unknown feature ${query.feature} (see GET /features)`);
    const [before, after] = await Promise.all([
      this.valuesOf(from, query.feature, query.fromDate),
      this.valuesOf(to, query.feature, query.toDate),
    ]);
    const [oldFacts, newFacts] = await Promise.all([
      regionFacts(this.db.manager, from.id),
      regionFacts(this.db.manager, to.id),
    ]);
    const diff = compareEditions(oldFacts, newFacts);
    const names = new Map(newFacts.map((r) => [r.code, r.name]));
    return {
      feature: query.feature,
      from: { set: from.key, date: before.date },
      to: { set: to.key, date: after.date },
      unchangedCount: diff.unchanged.length,
      changedCount: diff.changed.length,
      unchanged: diff.unchanged.map((code) => {
        const [a, b] = [before.values.get(code) ?? null, after.values.get(code) ?? null];
        return {
          code,
          name: names.get(code)!,
          from: a,
          to: b,
          difference: a !== null && b !== null ? b - a : null,
        };
      }),
      changed: diff.changed,
    };
  }

  /**
   * A set's map document (the current set of the contacts' level by default) with its ETag; no document when the
   * caller's copy, named in If-None-Match, is still the current one.
   */
  async geometry(key: string | undefined, ifNoneMatch: string | undefined) {
    const level = this.env.CONTACT_REGION_LEVEL;
    const set = key ? await this.findSet(key) : await currentSet(this.db.manager, level);
    if (!set)
      throw new AppError(ErrorCode.NotFound, `No regions of level ${level} exist yet: import regions first`);
    const [stored]: { etag: string }[] = await this.db.query(
      `SELECT etag FROM region_set_geometries WHERE set_id = $1`,
      [set.id],
    );
    if (!stored)
      throw new AppError(
        ErrorCode.NotFound,
        `${set.key} has no geometry yet: import a GeoJSON file of its shapes (import kind geometry)`,
      );
    if (matchesEtag(ifNoneMatch, stored.etag)) return { etag: stored.etag, topology: null };
    const [document]: { etag: string; topology: Topology }[] = await this.db.query(
      `SELECT etag, topology FROM region_set_geometries WHERE set_id = $1`,
      [set.id],
    );
    return document;
  }

  private async valuesOf(set: SetInfo, feature: string, date: string | undefined) {
    const { day, rows } = await valuesOnDay(this.db.manager, set.id, feature, date);
    if (rows.length === 0)
      throw bad(`${set.key} has no values of ${feature}${date ? ` on ${date}` : ''} (see GET /features)`);
    return { date: day, values: new Map(rows.map((r) => [r.code, r.value])) };
  }
}
