import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Page } from '../common/pagination.js';
import { Env } from '../config/config.js';
import { contactConditions, filterDefaults } from './contact-search.js';
import type { ContactDto, ContactQuery } from './contacts.dto.js';

@Injectable()
export class ContactsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly env: Env,
  ) {}

  async list(query: ContactQuery): Promise<Page<ContactDto>> {
    const params: unknown[] = [];
    const where = contactConditions(query, filterDefaults(this.env), params);
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [{ total }]: { total: number }[] = await this.db.query(
      `SELECT count(*)::int AS total FROM contacts c LEFT JOIN regions r ON r.id = c.region_id ${filter}`,
      params,
    );
    const items: ContactDto[] = await this.db.query(
      `SELECT c.id, c.external_id AS "externalId", c.first_name AS "firstName", c.last_name AS "lastName", c.email,
         c.phone, c.postal_code AS "postalCode", c.language, c.time_zone AS "timeZone",
         CASE WHEN r.id IS NULL THEN NULL ELSE json_build_object('id', r.id, 'code', r.code, 'name', r.name) END AS region,
         COALESCE((SELECT json_object_agg(ch.channel, ch.purposes) FROM (
           SELECT s.channel, json_object_agg(s.purpose, s.status) AS purposes FROM consent_current s
           WHERE s.contact_id = c.id GROUP BY s.channel) ch), '{}') AS consent
       FROM contacts c LEFT JOIN regions r ON r.id = c.region_id ${filter}
       ORDER BY c.created_at, c.id
       LIMIT $${params.push(query.perPage)} OFFSET $${params.push((query.page - 1) * query.perPage)}`,
      params,
    );
    return { items, total, page: query.page, perPage: query.perPage };
  }
}
