import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Email } from '../channels/email.channel.js';
import { Env } from '../config/config.js';
import type { Channel } from '../consent/consent.js';
import { confirmationCountsSql } from '../consent/send-rules.js';
import { LinkService } from '../links/link.service.js';
import { escapeHtml } from '../templates/placeholders.js';
import { fill, purposeName, stringsFor } from '../common/strings.js';
import { MessagingService, type QueueResult } from './messaging.service.js';

const SWEEP_BATCH = 500;
const SWEEP_EVERY_MS = 60_000;

/** What a confirmation message is written for, as the dispatcher hands it over. */
export interface ConfirmationSource {
  contactId: string;
  firstName: string | null;
  language: string;
  /** The purposes still only requested when it goes out: what the message asks the person to confirm. */
  purposes: string[];
}

/**
 * Double opt-in: a contact whose consent on a channel is only *requested* gets one confirmation message (email
 * with a signed link to a page with a button; SMS asking for JA/YES), and no second one within
 * CONFIRMATION_RESEND_HOURS. The messages are ledger rows that the dispatcher sends, so quiet hours hold for them.
 */
@Injectable()
export class ConfirmationService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Confirmation');
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly env: Env,
    private readonly messaging: MessagingService,
    private readonly links: LinkService,
  ) {}

  onApplicationBootstrap() {
    this.timer = setInterval(() => void this.sweep().catch((e) => this.logger.error(e)), SWEEP_EVERY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown() {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Queues the confirmation request for the contact's requested purposes on the channel (the gate decides). */
  request(contactId: string, channel: Channel): Promise<QueueResult> {
    return this.messaging.enqueue(contactId, channel, '*', 'confirmation');
  }

  email(c: ConfirmationSource, to: string): Email {
    const { language, t } = stringsFor(c.language);
    const link = this.links.url('confirm', { contactId: c.contactId, channel: 'email', purpose: '*' });
    const text = fill(t.confirmText, { name: c.firstName ?? '', sender: this.env.SENDER_NAME, link });
    const topics = `<ul>${c.purposes.map((p) => `<li>${escapeHtml(purposeName(t, p))}</li>`).join('')}</ul>`;
    const button = `<p><a href="${escapeHtml(link)}">${escapeHtml(t.confirmButton)}</a></p>`;
    const html = text
      .split('\n\n')
      .map((paragraph) =>
        paragraph.includes(link)
          ? `<p>${escapeHtml(paragraph.replace(link, '').trim())}</p>${topics}${button}`
          : `<p>${escapeHtml(paragraph)}</p>`,
      )
      .join('');
    return { to, subject: t.confirmSubject, text, html, language };
  }

  sms(c: ConfirmationSource): string {
    return fill(stringsFor(c.language).t.confirmSms, { sender: this.env.SENDER_NAME });
  }

  /** Queues every confirmation that is due, in batches; one sweep at a time per process. */
  sweep(): Promise<number> {
    this.running ??= this.sweepAll().finally(() => (this.running = undefined));
    return this.running;
  }

  private async sweepAll(): Promise<number> {
    let queued = 0;
    let after = { contact: '00000000-0000-0000-0000-000000000000', channel: '' };
    for (;;) {
      const due: { contact_id: string; channel: Channel }[] = await this.db.query(
        `SELECT DISTINCT cc.contact_id, cc.channel FROM consent_current cc
         WHERE cc.status = 'requested' AND (cc.contact_id, cc.channel) > ($1::uuid, $4::text)
           AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.contact_id = cc.contact_id AND m.channel = cc.channel
             AND ${confirmationCountsSql('m')} AND m.created_at > now() - make_interval(hours => $2))
         ORDER BY cc.contact_id, cc.channel LIMIT $3`,
        [after.contact, this.env.CONFIRMATION_RESEND_HOURS, SWEEP_BATCH, after.channel],
      );
      // Each on its own: one that cannot be queued (a contact erased meanwhile) holds up no other.
      for (const { contact_id, channel } of due)
        try {
          if ((await this.request(contact_id, channel)).queued) queued++;
        } catch (e) {
          this.logger.warn(`a confirmation could not be queued: ${String(e)}`);
        }
      if (due.length < SWEEP_BATCH) return queued;
      const last = due[due.length - 1];
      after = { contact: last.contact_id, channel: last.channel };
    }
  }
}
