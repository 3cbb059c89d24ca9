import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppError, ErrorCode } from '../common/errors.js';
import type { Page } from '../common/pagination.js';
import type { FeatureDto, RegionDto, RegionQuery } from './regions.dto.js';

@Injectable()
export class RegionsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(query: RegionQuery): Promise<Page<RegionDto>> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.level) where.push(`r.level = $${params.push(query.level)}`);
    if (query.parentId) where.push(`r.parent_id = $${params.push(query.parentId)}`);
    if (query.parent) {
      const [level, code] = query.parent.includes(':') ? query.parent.split(':', 2) : [null, query.parent];
      where.push(`p.code = $${params.push(code)}` + (level ? ` AND p.level = $${params.push(level)}` : ''));
    }
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    // Regions sort by level, then numerically where codes are numbers (Wahlkreis 2 before 10).
    const [{ total }]: { total: number }[] = await this.db.query(
      `SELECT count(*)::int AS total FROM regions r LEFT JOIN regions p ON p.id = r.parent_id ${filter}`,
      params,
    );
    const items: RegionDto[] = await this.db.query(
      `SELECT r.id, r.code, r.name, r.level, r.features,
         CASE WHEN p.id IS NULL THEN NULL ELSE json_build_object('id', p.id, 'code', p.code, 'level', p.level, 'name', p.name) END AS parent
       FROM regions r LEFT JOIN regions p ON p.id = r.parent_id ${filter}
       ORDER BY r.level, length(r.code), r.code
       LIMIT $${params.push(query.perPage)} OFFSET $${params.push((query.page - 1) * query.perPage)}`,
      params,
    );
    return { items, total, page: query.page, perPage: query.perPage };
  }

  async get(id: string): Promise<RegionDto> {
    const rows: RegionDto[] = await this.db.query(
      `SELECT r.id, r.code, r.name, r.level, r.features,
         CASE WHEN p.id IS NULL THEN NULL ELSE json_build_object('id', p.id, 'code', p.code, 'level', p.level, 'name', p.name) END AS parent
       FROM regions r LEFT JOIN regions p ON p.id = r.parent_id WHERE r.id = $1`,
      [id],
    );
    if (!rows[0]) throw new AppError(ErrorCode.NotFound, 'No region with this id');
    return rows[0];
  }

  features(): Promise<FeatureDto[]> {
    return this.db.query(
      `SELECT f.key, f.label, f.unit, f.source,
         (SELECT count(*)::int FROM regions r WHERE r.features ? f.key AND r.features ->> f.key IS NOT NULL) AS regions
       FROM features f ORDER BY f.source DESC, f.key`,
    );
  }
}
