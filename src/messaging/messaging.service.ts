import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { refusedChannel, type FailureClass } from '../channels/delivery.js';
import { AppError, ErrorCode } from '../common/errors.js';
import { messageLanguage } from '../common/languages.js';
import type { Channel } from '../consent/consent.js';
import type { Refusal, SendKind } from '../consent/send-rules.js';
import { ConsentService } from '../consent/consent.service.js';
import { IssueTemplate } from '../templates/template.entities.js';
import { Message, statusRankSql, type MessageStatus } from './message.entity.js';

/** A provider's delivery report: its message, by the provider's id, and what it says. */
export interface DeliveryReport {
  channel: Channel;
  providerId: string;
  /** The provider's own word, kept as it came. */
  reported: string;
  /** What it means in the ledger, if anything. */
  status: MessageStatus | null;
  /** The provider's error code as it came, and what it means. */
  code: string | null;
  failure: FailureClass | null;
}

/** What asking for a message did: a ledger row the dispatcher will send, or the gate's reason for refusing it. */
export type QueueResult =
  { queued: true; messageId: string; status: 'queued'; dueAt: Date } | { queued: false; reason: Refusal };

@Injectable()
export class MessagingService {
  private readonly logger = new Logger('Messaging');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly consent: ConsentService,
  ) {}

  /**
   * The one way a single message (a confirmation request, a test send) enters the ledger: under a lock on the
   * contact, ask the consent gate and write a `queued` row. The dispatcher sends it like a wave's message, after the
   * same last check (consent, quiet hours, frequency cap), so no process that does not dispatch ever sends anything.
   * Two concurrent requests for one contact queue on the lock, so the second sees the first one's row.
   */
  async enqueue(
    contactId: string,
    channel: Channel,
    purpose: string,
    kind: SendKind,
    template?: { key: string; version: number },
  ): Promise<QueueResult> {
    return this.db.transaction(async (m) => {
      const contact: { language: string | null }[] = await m.query(
        `SELECT language FROM contacts WHERE id = $1 FOR UPDATE`,
        [contactId],
      );
      if (contact.length === 0) throw new AppError(ErrorCode.NotFound, 'No contact with this id');
      const decision = await this.consent.maySend(contactId, channel, purpose, kind, m);
      if (!decision.allowed) return { queued: false, reason: decision.reason };
      const [row]: { id: string; due_at: Date }[] = await m.query(
        `INSERT INTO messages (id, kind, contact_id, channel, purpose, template_key, template_version, language,
           status, due_at)
         VALUES (ledger_id(), $1, $2, $3, $4, $5, $6, $7, 'queued', now()) RETURNING id, due_at`,
        [
          kind,
          contactId,
          channel,
          purpose,
          template?.key ?? null,
          template?.version ?? null,
          messageLanguage(contact[0].language),
        ],
      );
      return { queued: true, messageId: row.id, status: 'queued', dueAt: row.due_at };
    });
  }

  /** One issue template to one contact, in the contact's language, with signed opt-out links. */
  async enqueueTemplate(
    contactId: string,
    channel: Channel,
    purpose: string,
    templateKey: string,
  ): Promise<QueueResult> {
    const template = await this.db.getRepository(IssueTemplate).findOneBy({ key: templateKey });
    if (!template) throw new AppError(ErrorCode.BadRequest, `No template with the key ${templateKey}`);
    return this.enqueue(contactId, channel, purpose, 'campaign', {
      key: template.key,
      version: template.version,
    });
  }

  /**
   * Appends the report to the message events and moves each message with that provider id forward (never back: see
   * `statusRankSql`); a refusal code withdraws the address's consent. Returns the messages it concerned.
   */
  async recordReport(report: DeliveryReport): Promise<string[]> {
    const rank = (s: string) => statusRankSql(s);
    const rows: { id: string; applied: boolean }[] = await this.db.query(
      `WITH found AS (
         SELECT id, status FROM messages WHERE provider_id = $1 AND channel = $2
       ), moved AS (
         UPDATE messages m SET status = $3,
           error_code = CASE WHEN $3 IN ('failed', 'bounced') THEN COALESCE($5, m.error_code)
             WHEN $3 = 'delivered' THEN NULL ELSE m.error_code END,
           error = CASE WHEN $3 IN ('failed', 'bounced') THEN 'provider reported ' || $4
             WHEN $3 = 'delivered' THEN NULL ELSE m.error END,
           updated_at = now()
         FROM found f WHERE m.id = f.id AND $3::text IS NOT NULL AND ${rank('$3::text')} > ${rank('f.status')}
         RETURNING m.id
       ), logged AS (
         INSERT INTO message_events (message_id, channel, provider_id, reported, status, provider_code, shared, applied)
         SELECT f.id, $2, $1, $4, $3, $5, (SELECT count(*) FROM found) > 1, f.id IN (SELECT id FROM moved)
         FROM (SELECT id FROM found UNION ALL SELECT NULL WHERE NOT EXISTS (SELECT 1 FROM found)) f
         RETURNING message_id, applied
       )
       SELECT message_id AS id, applied FROM logged WHERE message_id IS NOT NULL`,
      [report.providerId, report.channel, report.status, report.reported.slice(0, 100), report.code],
    );
    if (rows.length > 1)
      this.logger.warn(`${rows.length} messages share one provider id; the report went to each of them`);
    if (report.failure) for (const row of rows) await this.withdrawRefused(row.id, report.failure);
    return rows.map((r) => r.id);
  }

  /**
   * A provider refused the address for good (the number opted out; no such mailbox): that channel's consent ends
   * for the purposes the person had given, with the provider's word as the source.
   */
  async withdrawRefused(messageId: string, failure: FailureClass) {
    const channel = refusedChannel(failure);
    if (!channel) return;
    const message = await this.db.getRepository(Message).findOneBy({ id: messageId });
    if (!message?.contactId) return;
    await this.consent.withdrawGiven(message.contactId, channel, {
      source: 'api',
      details: { refusal: failure, code: message.errorCode, messageId },
    });
  }
}
