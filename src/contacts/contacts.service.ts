import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Page } from '../common/pagination.js';
import { Env } from '../config/config.js';
import type { CountryCode } from 'libphonenumber-js';
import { searchConditions } from './contact-search.js';
import type { ContactDto, ContactQuery } from './contacts.dto.js';

@Injectable()
export class ContactsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly env: Env,
  ) {}

  async list(query: ContactQuery): Promise<Page<ContactDto>> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.q) where.push(...searchConditions(query.q, this.env.DEFAULT_COUNTRY as CountryCode, params));
    if (query.regionId) where.push(`c.region_id = $${params.push(query.regionId)}`);
    if (query.region)
      where.push(
        `r.code = $${params.push(query.region)} AND r.level = $${params.push(this.env.CONTACT_REGION_LEVEL)}`,
      );
    if (query.language) where.push(`c.language = $${params.push(query.language)}`);
    if (query.segmentId) {
      const segment = params.push(query.segmentId);
      where.push(
        `(c.region_id IN (SELECT region_id FROM segment_members WHERE segment_id = $${segment})
          OR c.id IN (SELECT contact_id FROM segment_contact_members WHERE segment_id = $${segment}))`,
      );
    }
    if (query.consent) {
      const purpose = query.purpose ?? this.env.DEFAULT_CONSENT_PURPOSE;
      const state = `SELECT 1 FROM consent_current s WHERE s.contact_id = c.id AND s.channel = $${params.push(query.channel)}
        AND s.purpose = $${params.push(purpose)}`;
      where.push(
        query.consent === 'none'
          ? `NOT EXISTS (${state})`
          : `EXISTS (${state} AND s.status = $${params.push(query.consent)})`,
      );
    }
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
