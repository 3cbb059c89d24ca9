import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import type { Page } from '../common/pagination.js';
import { AuditEntry } from './audit-entry.entity.js';
import type { AuditEntryDto, AuditQuery } from './audit.dto.js';

@Injectable()
export class AuditService {
  constructor(@InjectRepository(AuditEntry) private readonly entries: Repository<AuditEntry>) {}

  /**
   * Who did what to which thing; written for every change a staff user makes. Given the transaction of the change
   * (`m`), the entry commits with it or not at all, and stamped with the clock rather than the transaction's start,
   * entries about one row taken under its lock are in the order of events, by time as by id.
   */
  async record(
    staffUserId: string | null,
    action: string,
    entityType: string,
    entityId: string | null,
    details: Record<string, unknown> = {},
    m: EntityManager = this.entries.manager,
  ): Promise<void> {
    await m.query(
      `INSERT INTO audit_log (staff_user_id, action, entity_type, entity_id, details, at)
       VALUES ($1, $2, $3, $4, $5, clock_timestamp())`,
      [staffUserId, action, entityType, entityId, JSON.stringify(details)],
    );
  }

  list(limit = 100): Promise<AuditEntry[]> {
    return this.entries.find({ order: { id: 'DESC' }, take: limit });
  }

  /** One page of entries, newest first, with the name of who wrote each. */
  async search(query: AuditQuery): Promise<Page<AuditEntryDto>> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.staffUserId) where.push(`a.staff_user_id = $${params.push(query.staffUserId)}`);
    if (query.action?.endsWith('.')) where.push(`a.action LIKE $${params.push(`${query.action}%`)}`);
    else if (query.action) where.push(`a.action = $${params.push(query.action)}`);
    if (query.entityType) where.push(`a.entity_type = $${params.push(query.entityType)}`);
    if (query.entityId) where.push(`a.entity_id = $${params.push(query.entityId)}`);
    if (query.from) where.push(`a.at >= $${params.push(query.from)}::timestamptz`);
    if (query.to) where.push(`a.at < $${params.push(query.to)}::timestamptz`);
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [{ total }]: { total: number }[] = await this.entries.query(
      `SELECT count(*)::int AS total FROM audit_log a ${filter}`,
      params,
    );
    const items: AuditEntryDto[] = await this.entries.query(
      `SELECT a.id, a.at, a.action, a.entity_type AS "entityType", a.entity_id AS "entityId", a.details,
         CASE WHEN s.id IS NULL THEN NULL ELSE json_build_object('id', s.id, 'name', s.name) END AS "staffUser"
       FROM audit_log a LEFT JOIN staff_users s ON s.id = a.staff_user_id ${filter}
       ORDER BY a.at DESC, a.id DESC
       LIMIT $${params.push(query.perPage)} OFFSET $${params.push((query.page - 1) * query.perPage)}`,
      params,
    );
    return { items, total, page: query.page, perPage: query.perPage };
  }
}
