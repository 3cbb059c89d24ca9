import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { AppError, ErrorCode } from '../common/errors.js';
import { ConsentService } from '../consent/consent.service.js';
import { MessagingService } from '../messaging/messaging.service.js';
import { OptOutsService } from '../messaging/opt-outs.service.js';
import type { RecordConsentDto, SendMessageDto } from './privacy.dto.js';
import { RetentionRule } from './privacy.entities.js';

const RETENTION_EVERY_MS = 3600_000;

/** The person's rights: what we hold about them (Art. 15), erasure (Art. 17), and retention by source. */
/**
 * The one rule of retention: a contact of the source whose days have run out since the rule's start date (or since
 * the contact was created). Counting and erasing both read it, so the count shown is the count erased.
 */
const RETENTION_DUE = (source: string, days: string, after: string) =>
  `c.source = ${source} AND now() > COALESCE(${after}::date::timestamptz, c.created_at) + make_interval(days => ${days})`;

@Injectable()
export class PrivacyService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Privacy');
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly consent: ConsentService,
    private readonly messaging: MessagingService,
    private readonly optOuts: OptOutsService,
  ) {}

  onApplicationBootstrap() {
    this.timer = setInterval(
      () => void this.applyRetention(null).catch((e) => this.logger.error(e)),
      RETENTION_EVERY_MS,
    );
    this.timer.unref();
  }

  onApplicationShutdown() {
    clearInterval(this.timer);
  }

  /**
   * One contact as a staff screen shows it: the contact, its region, its segment in the latest run over its
   * region's set, its consent now with every event and its evidence, the latest messages it was sent, its opt-outs
   * that counted for a wave and the complaints about its messages.
   */
  async contact(contactId: string) {
    const [contact]: Record<string, unknown>[] = await this.db.query(
      `SELECT c.id, c.external_id AS "externalId", c.first_name AS "firstName", c.last_name AS "lastName", c.email,
         c.phone, c.phone_landline AS "phoneLandline", c.postal_code AS "postalCode", c.language,
         c.time_zone AS "timeZone", c.source, c.attributes, c.created_at AS "createdAt", c.updated_at AS "updatedAt",
         CASE WHEN r.id IS NULL THEN NULL
           ELSE json_build_object('id', r.id, 'code', r.code, 'name', r.name, 'set', s.key) END AS region,
         (SELECT json_build_object('runId', latest.id, 'runCreatedAt', latest.created_at, 'segmentId', g.id,
             'index', g.index, 'name', g.name, 'label', json_build_object('de', g.label_de, 'en', g.label_en))
          FROM (SELECT run.id, run.created_at FROM segmentation_runs run
                WHERE run.target = 'regions' AND run.region_set_id = r.set_id
                ORDER BY run.created_at DESC, run.id DESC LIMIT 1) latest
          JOIN segment_members m ON m.run_id = latest.id AND m.region_id = r.id
          JOIN segments g ON g.id = m.segment_id) AS segment
       FROM contacts c LEFT JOIN regions r ON r.id = c.region_id LEFT JOIN region_sets s ON s.id = r.set_id
       WHERE c.id = $1`,
      [contactId],
    );
    if (!contact) throw new AppError(ErrorCode.NotFound, 'No contact with this id');
    const [consent, [{ total }], items, outcomes] = await Promise.all([
      this.consent.timeline(contactId),
      this.db.query<{ total: number }[]>(
        `SELECT count(*)::int AS total FROM messages WHERE contact_id = $1`,
        [contactId],
      ),
      this.db.query<Record<string, unknown>[]>(
        `SELECT m.id, CASE WHEN w.id IS NULL THEN NULL ELSE json_build_object('id', w.id, 'name', w.name) END AS wave,
           m.kind, m.channel, m.purpose, m.template_key AS "templateKey", m.status, m.error_code AS "errorCode",
           m.created_at AS "createdAt", m.sent_at AS "sentAt",
           CASE WHEN r.id IS NULL THEN NULL ELSE json_build_object('source', r.source, 'secondAsk', r.second_ask,
             'by', (SELECT name FROM staff_users u WHERE u.id = r.created_by)) END AS "askedBy"
         FROM messages m LEFT JOIN waves w ON w.id = m.wave_id
         LEFT JOIN confirmation_releases r ON r.id = m.release_id
         WHERE m.contact_id = $1 ORDER BY m.created_at DESC, m.id DESC LIMIT 100`,
        [contactId],
      ),
      this.optOuts.ofContact(contactId),
    ]);
    return { ...contact, consent, messages: { total, items }, ...outcomes };
  }

  /** A consent given outside the product (a paper form, a phone call), with its evidence; audited. */
  async recordConsent(contactId: string, dto: RecordConsentDto, staffId: string) {
    const changed = await this.consent.change(contactId, dto.channel, dto.purposes, dto.action, {
      source: 'admin',
      staffUserId: staffId,
      occurredAt: dto.occurredAt,
      textVersion: dto.textVersion,
      details: { evidence: dto.evidence },
    });
    await this.audit.record(staffId, 'consent.record', 'contact', contactId, { ...dto, changed });
    return { changed, states: await this.consent.states(contactId) };
  }

  /** Queues one template message to one contact through the consent gate (a test send); audited. */
  async sendTemplate(contactId: string, dto: SendMessageDto, staffId: string) {
    const result = await this.messaging.enqueueTemplate(contactId, dto.channel, dto.purpose, dto.template);
    await this.audit.record(staffId, 'message.send', 'contact', contactId, { ...dto, queued: result.queued });
    return result;
  }

  /** Everything held about one contact, as JSON. */
  async export(contactId: string, staffId: string) {
    const [contact]: Record<string, unknown>[] = await this.db.query(
      `SELECT c.*, r.code AS region_code, r.name AS region_name FROM contacts c
       LEFT JOIN regions r ON r.id = c.region_id WHERE c.id = $1`,
      [contactId],
    );
    if (!contact) throw new AppError(ErrorCode.NotFound, 'No contact with this id');
    const outcomes = await this.optOuts.ofContact(contactId);
    const [consentEvents, messages, segments] = await Promise.all<Record<string, unknown>[]>([
      this.db.query(
        `SELECT channel, purpose, action, source, occurred_at, recorded_at, ip, user_agent, text_version,
           import_file, import_line, details FROM consent_events WHERE contact_id = $1 ORDER BY id`,
        [contactId],
      ),
      this.db.query(
        `SELECT kind, channel, purpose, address, template_key, template_version, language, status, error_code,
           created_at, sent_at FROM messages WHERE contact_id = $1 ORDER BY created_at`,
        [contactId],
      ),
      this.db.query(
        `SELECT s.run_id, s.index, COALESCE(s.name, s.label_en) AS segment FROM segments s
         WHERE s.id IN (SELECT segment_id FROM segment_contact_members WHERE contact_id = $1
                        UNION SELECT m.segment_id FROM segment_members m JOIN contacts c ON c.region_id = m.region_id
                        WHERE c.id = $1)`,
        [contactId],
      ),
    ]);
    await this.audit.record(staffId, 'contact.export', 'contact', contactId);
    return { exportedAt: new Date(), contact, consentEvents, messages, segments, ...outcomes };
  }

  /**
   * Erasure: the contact row goes (memberships with it); its consent events stay, stripped of everything that
   * points to the person; messages lose their address and their link to the contact, and opt-outs counted for a wave
   * lose their message; email and phone go on the suppression list as salted
   * hashes, so no later import can make them sendable again.
   */
  async erase(contactId: string, staffId: string | null, reason = 'erasure request'): Promise<void> {
    await this.db.transaction(async (m) => {
      const erased = await this.eraseWith(m, `c.id = $1`, [contactId], reason, true);
      if (erased === 0) throw new AppError(ErrorCode.NotFound, 'No contact with this id');
    });
    await this.audit.record(staffId, 'contact.erase', 'contact', contactId, { reason });
  }

  private async eraseWith(
    m: EntityManager,
    where: string,
    params: unknown[],
    reason: string,
    suppress: boolean,
  ): Promise<number> {
    await m.query(`CREATE TEMP TABLE IF NOT EXISTS erasing (id uuid PRIMARY KEY) ON COMMIT DROP`);
    await m.query(`INSERT INTO erasing SELECT c.id FROM contacts c WHERE ${where}`, params);
    if (suppress)
      await m.query(
        `INSERT INTO suppressions (hash, channel, reason)
         SELECT suppression_hash(a.address), a.channel, $1 FROM contacts c JOIN erasing e ON e.id = c.id
         CROSS JOIN LATERAL (VALUES ('email', c.email), ('sms', c.phone)) AS a(channel, address)
         WHERE a.address IS NOT NULL
         ON CONFLICT (hash) DO NOTHING`,
        [reason],
      );
    await m.query(
      `UPDATE consent_events SET ip = NULL, user_agent = NULL, import_file = NULL, import_line = NULL, details = '{}'
       WHERE contact_id IN (SELECT id FROM erasing)`,
    );
    // An opt-out stays counted for its wave, but no longer leads to its message (nor so to the provider's records).
    await m.query(
      `UPDATE wave_opt_outs SET message_id = NULL
       WHERE message_id IN (SELECT id FROM messages WHERE contact_id IN (SELECT id FROM erasing))`,
    );
    await m.query(
      `UPDATE messages SET address = NULL, contact_id = NULL WHERE contact_id IN (SELECT id FROM erasing)`,
    );
    const [, count] = await m.query<[unknown, number]>(
      `DELETE FROM contacts WHERE id IN (SELECT id FROM erasing)`,
    );
    await m.query(`DROP TABLE erasing`);
    return count;
  }

  listRules() {
    return this.db.getRepository(RetentionRule).find({ order: { source: 'ASC' } });
  }

  async putRule(source: string, days: number, after: string | null, staffId: string) {
    await this.db.query(
      `INSERT INTO retention_rules (source, days, after) VALUES ($1, $2, $3)
       ON CONFLICT (source) DO UPDATE SET days = EXCLUDED.days, after = EXCLUDED.after`,
      [source, days, after],
    );
    await this.audit.record(staffId, 'retention.put', 'retention_rule', null, { source, days, after });
    return this.db.getRepository(RetentionRule).findOneByOrFail({ source });
  }

  async deleteRule(source: string, staffId: string) {
    const result = await this.db.getRepository(RetentionRule).delete({ source });
    if (!result.affected)
      throw new AppError(ErrorCode.NotFound, `No retention rule for the source ${source}`);
    await this.audit.record(staffId, 'retention.delete', 'retention_rule', null, { source });
  }

  /** How many contacts each rule would erase now, counted by the rule that erases them (`RETENTION_DUE`). */
  async dueRetention(): Promise<{ source: string; due: number }[]> {
    return this.db.query(
      `SELECT r.source, count(c.id)::int AS due FROM retention_rules r
       LEFT JOIN contacts c ON ${RETENTION_DUE('r.source', 'r.days', 'r.after')}
       GROUP BY r.source ORDER BY r.source`,
    );
  }

  /**
   * Erases every contact whose source's retention has run out (no suppression: nobody objected), all rules in one
   * transaction. Given the count the person was shown (`expected`), erasing more than that erases nothing: the
   * list grew since it was counted.
   */
  async applyRetention(
    staffId: string | null,
    expected?: number,
  ): Promise<{ source: string; erased: number }[]> {
    const rules = await this.listRules();
    return this.db.transaction(async (m) => {
      const results: { source: string; erased: number }[] = [];
      for (const rule of rules) {
        const erased = await this.eraseWith(
          m,
          RETENTION_DUE('$1', '$2', '$3'),
          [rule.source, rule.days, rule.after],
          `retention of source ${rule.source}`,
          false,
        );
        results.push({ source: rule.source, erased });
      }
      const total = results.reduce((sum, r) => sum + r.erased, 0);
      if (expected !== undefined && total > expected)
        throw new AppError(
          ErrorCode.Conflict,
          `${total} contacts would be erased now, more than the ${expected} you were shown: count again before erasing`,
        );
      for (const [i, rule] of rules.entries()) {
        await m.getRepository(RetentionRule).update(rule.id, { lastRunAt: new Date() });
        const { erased } = results[i];
        if (erased)
          await this.audit.record(
            staffId,
            'retention.erase',
            'retention_rule',
            rule.id,
            { source: rule.source, erased },
            m,
          );
      }
      return results;
    });
  }
}
