import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import type { Page } from '../common/pagination.js';
import { AuditEntry } from './audit-entry.entity.js';
import type { AuditEntryDto, AuditQuery } from './audit.dto.js';

const UUID = '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$';

/**
 * The name of what each entry of a page is about, joined for the whole page at once: a wave, template, segment,
 * staff user, API key, import, mapping, event, region set or retention rule by its name (gone: null). A contact
 * gets none: the log names nobody's personal data.
 */
const ENTITY_NAME_JOINS = `
  LEFT JOIN waves w ON p.entity_type = 'wave' AND w.id = p.entity_uuid
  LEFT JOIN issue_templates it ON p.entity_type = 'template' AND it.id = p.entity_uuid
  LEFT JOIN segments sg ON p.entity_type = 'segment' AND sg.id = p.entity_uuid
  LEFT JOIN staff_users su ON p.entity_type = 'staff-user' AND su.id = p.entity_uuid
  LEFT JOIN staff_tokens tk ON p.entity_type = 'api-key' AND tk.id = p.entity_uuid
  LEFT JOIN import_jobs ij ON p.entity_type = 'import-job' AND ij.id = p.entity_uuid
  LEFT JOIN campaign_events ev ON p.entity_type = 'event' AND ev.id = p.entity_uuid
  LEFT JOIN region_sets rs ON p.entity_type = 'region-set' AND rs.id = p.entity_uuid
  LEFT JOIN retention_rules rr ON p.entity_type = 'retention_rule' AND rr.id = p.entity_uuid
  CROSS JOIN LATERAL (VALUES (
    COALESCE(w.name, it.name->>'de', sg.name, sg.label_de, su.name, tk.name, ij.file_name, ev.name, rs.key,
      rr.source, CASE p.entity_type WHEN 'import-mapping' THEN p.entity_id WHEN 'retention_rule'
        THEN p.details->>'source' END),
    COALESCE(w.name, it.name->>'en', sg.name, sg.label_en, su.name, tk.name, ij.file_name, ev.name, rs.key,
      rr.source, CASE p.entity_type WHEN 'import-mapping' THEN p.entity_id WHEN 'retention_rule'
        THEN p.details->>'source' END)
  )) AS names(de, en)`;

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

  /** One page of entries, newest first, with the name of who wrote each and of what each is about. */
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
      `WITH page AS (
         SELECT a.*, CASE WHEN a.entity_id ~* '${UUID}' THEN a.entity_id::uuid END AS entity_uuid
         FROM audit_log a ${filter}
         ORDER BY a.at DESC, a.id DESC
         LIMIT $${params.push(query.perPage)} OFFSET $${params.push((query.page - 1) * query.perPage)}
       )
       SELECT p.id, p.at, p.action, p.entity_type AS "entityType", p.entity_id AS "entityId", p.details,
         CASE WHEN s.id IS NULL THEN NULL ELSE json_build_object('id', s.id, 'name', s.name) END AS "staffUser",
         CASE WHEN names.de IS NULL THEN NULL ELSE json_build_object('de', names.de, 'en', names.en) END
           AS "entityName"
       FROM page p LEFT JOIN staff_users s ON s.id = p.staff_user_id
       ${ENTITY_NAME_JOINS}
       ORDER BY p.at DESC, p.id DESC`,
      params,
    );
    return { items, total, page: query.page, perPage: query.perPage };
  }
}
