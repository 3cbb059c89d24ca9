import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { CountryCode } from 'libphonenumber-js';
import type { DataSource } from 'typeorm';
import { refusedChannel, type FailureClass } from '../channels/delivery.js';
import { AppError, ErrorCode } from '../common/errors.js';
import { messageLanguage } from '../common/languages.js';
import type { Channel } from '../consent/consent.js';
import type { Refusal, SendKind } from '../consent/send-rules.js';
import { ConsentService } from '../consent/consent.service.js';
import { Env } from '../config/config.js';
import { normaliseEmail, normalisePhone } from '../contacts/addresses.js';
import { IssueTemplate } from '../templates/template.entities.js';
import { Message, statusRankSql, type MessageStatus } from './message.entity.js';
import { reportTarget, type ReportCandidate } from './provider-report.js';

/** A provider's delivery report: its message, by the provider's id, and what it says. */
export interface DeliveryReport {
  channel: Channel;
  providerId: string;
  /** The provider's own word, kept as it came. */
  reported: string;
  /**
   * The recipient the report names (Twilio's `To`), as the provider wrote it: used only to tell apart messages a
   * misbehaving provider gave one id (a forwarded mail's recipient may legitimately differ from ours).
   */
  recipient: string | null;
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
    private readonly env: Env,
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
    options: {
      template?: { key: string; version: number };
      /** A staff release this confirmation request belongs to. */
      releaseId?: string;
      /** A confirmation request staff send again: it may follow one that went. */
      secondAsk?: boolean;
    } = {},
  ): Promise<QueueResult> {
    const { template, releaseId, secondAsk } = options;
    return this.db.transaction(async (m) => {
      const contact: { language: string | null }[] = await m.query(
        `SELECT language FROM contacts WHERE id = $1 FOR UPDATE`,
        [contactId],
      );
      if (contact.length === 0) throw new AppError(ErrorCode.NotFound, 'No contact with this id');
      const decision = await this.consent.maySend(contactId, channel, purpose, kind, m, secondAsk);
      if (!decision.allowed) return { queued: false, reason: decision.reason };
      const [row]: { id: string; due_at: Date }[] = await m.query(
        `INSERT INTO messages (id, kind, contact_id, channel, purpose, template_key, template_version, language,
           status, due_at, release_id)
         VALUES (ledger_id(), $1, $2, $3, $4, $5, $6, $7, 'queued', now(), $8) RETURNING id, due_at`,
        [
          kind,
          contactId,
          channel,
          purpose,
          template?.key ?? null,
          template?.version ?? null,
          messageLanguage(contact[0].language),
          releaseId ?? null,
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
      template: { key: template.key, version: template.version },
    });
  }

  /**
   * The one place a provider's report lands, for every provider: it is tied to exactly one message (`reportTarget`),
   * kept in the message's events, moves that message forward (never back: see `statusRankSql`) and, with a refusal
   * code, withdraws that message's recipient's consent and nobody else's. A report tied to no single message changes
   * nothing and is kept as an anomaly, counted on its wave. Returns the message it concerned, if any.
   */
  async recordReport(report: DeliveryReport): Promise<string | null> {
    const recipient = this.normalisedRecipient(report);
    const target = await this.db.transaction(async (m) => {
      const candidates: ReportCandidate[] = await m.query(
        `SELECT id, address, wave_id AS "waveId" FROM messages WHERE provider_id = $1 AND channel = $2
         ORDER BY id FOR UPDATE`,
        [report.providerId, report.channel],
      );
      const found = reportTarget(candidates, recipient);
      const reported = report.reported.slice(0, 100);
      if ('anomaly' in found) {
        await m.query(
          `INSERT INTO message_events (message_id, channel, provider_id, reported, status, provider_code, shared,
             applied, anomaly, wave_id)
           VALUES (NULL, $1, $2, $3, $4, $5, $6, false, $7, $8)`,
          [
            report.channel,
            report.providerId,
            reported,
            report.status,
            report.code,
            candidates.length > 1,
            found.anomaly,
            found.waveId,
          ],
        );
        return found;
      }
      const rank = (s: string) => statusRankSql(s);
      await m.query(
        `WITH moved AS (
           UPDATE messages m SET status = $2,
             error_code = CASE WHEN $2 IN ('failed', 'bounced') THEN COALESCE($4, m.error_code)
               WHEN $2 = 'delivered' THEN NULL ELSE m.error_code END,
             error = CASE WHEN $2 IN ('failed', 'bounced') THEN 'provider reported ' || $3
               WHEN $2 = 'delivered' THEN NULL ELSE m.error END,
             updated_at = now()
           WHERE m.id = $1 AND $2::text IS NOT NULL AND ${rank('$2::text')} > ${rank('m.status')}
           RETURNING m.id
         )
         INSERT INTO message_events (message_id, channel, provider_id, reported, status, provider_code, shared,
           applied, wave_id)
         SELECT $1, $5, $6, $3, $2, $4, $7, EXISTS (SELECT 1 FROM moved), (SELECT wave_id FROM messages WHERE id = $1)`,
        [
          found.messageId,
          report.status,
          reported,
          report.code,
          report.channel,
          report.providerId,
          found.shared,
        ],
      );
      return found;
    });
    if ('anomaly' in target) {
      this.logger.warn(
        `a ${report.channel} report (${report.reported.slice(0, 40)}) for provider id ${report.providerId.slice(0, 100)} ` +
          `was tied to no single message (${target.anomaly}): kept as an anomaly, nothing changed`,
      );
      return null;
    }
    if (report.failure) await this.withdrawRefused(target.messageId, report.failure);
    return target.messageId;
  }

  /** The report's recipient as the ledger writes addresses, or null when it names none we can read. */
  private normalisedRecipient(report: DeliveryReport): string | null {
    if (!report.recipient) return null;
    try {
      return report.channel === 'sms'
        ? normalisePhone(report.recipient, this.env.DEFAULT_COUNTRY as CountryCode)
        : normaliseEmail(report.recipient);
    } catch {
      return null;
    }
  }

  /**
   * A provider refused the address for good (the number opted out; no such mailbox): that channel's consent ends
   * for the purposes the person had given, with the provider's word (`code`, else the message's) as the source.
   */
  async withdrawRefused(messageId: string, failure: FailureClass, code?: string | null) {
    const channel = refusedChannel(failure);
    if (!channel) return;
    const message = await this.db.getRepository(Message).findOneBy({ id: messageId });
    if (!message?.contactId) return;
    await this.consent.withdrawGiven(message.contactId, channel, {
      source: 'api',
      details: { refusal: failure, code: code ?? message.errorCode, messageId },
    });
  }
}
