import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Env } from '../config/config.js';
import type { Channel } from '../consent/consent.js';
import { ConsentService } from '../consent/consent.service.js';
import { LinkService } from '../links/link.service.js';
import { escapeHtml } from '../templates/placeholders.js';
import { fill, purposeName, stringsFor } from '../public/strings.js';
import { MessagingService, type SendResult } from './messaging.service.js';

const SWEEP_BATCH = 500;
const SWEEP_EVERY_MS = 60_000;

/**
 * Double opt-in: a contact whose consent on a channel is only *requested* gets one confirmation message (email
 * with a signed link; SMS asking for JA/YES), and no second one within CONFIRMATION_RESEND_HOURS.
 */
@Injectable()
export class ConfirmationService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Confirmation');
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly env: Env,
    private readonly consent: ConsentService,
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

  async request(contactId: string, channel: Channel): Promise<SendResult> {
    const purposes = await this.consent.purposesIn(contactId, channel, ['requested']);
    const rows: { language: string }[] = await this.db.query(`SELECT language FROM contacts WHERE id = $1`, [
      contactId,
    ]);
    const { language, t } = stringsFor(rows[0]?.language);
    return this.messaging.send(contactId, channel, purposes[0] ?? '-', 'confirmation', {
      language,
      email: (contact) => {
        const link = this.links.url('confirm', { contactId: contact.id, channel: 'email', purpose: '*' });
        const text = fill(t.confirmText, {
          name: contact.firstName ?? '',
          sender: this.env.SENDER_NAME,
          link,
        });
        const topics = `<ul>${purposes.map((p) => `<li>${escapeHtml(purposeName(t, p))}</li>`).join('')}</ul>`;
        const button = `<p><a href="${escapeHtml(link)}">${escapeHtml(t.confirmButton)}</a></p>`;
        const html = text
          .split('\n\n')
          .map((paragraph) =>
            paragraph.includes(link)
              ? `<p>${escapeHtml(paragraph.replace(link, '').trim())}</p>${topics}${button}`
              : `<p>${escapeHtml(paragraph)}</p>`,
          )
          .join('');
        return {
          to: contact.email!,
          subject: t.confirmSubject,
          text,
          html,
          language,
        };
      },
      sms: () => fill(t.confirmSms, { sender: this.env.SENDER_NAME }),
    });
  }

  /** Sends every confirmation that is due, in batches; one sweep at a time per process. */
  sweep(): Promise<number> {
    this.running ??= this.sweepAll().finally(() => (this.running = undefined));
    return this.running;
  }

  private async sweepAll(): Promise<number> {
    let sent = 0;
    let after = { contact: '00000000-0000-0000-0000-000000000000', channel: '' };
    for (;;) {
      const due: { contact_id: string; channel: Channel }[] = await this.db.query(
        `SELECT DISTINCT cc.contact_id, cc.channel FROM consent_current cc
         WHERE cc.status = 'requested' AND (cc.contact_id, cc.channel) > ($1::uuid, $4::text)
           AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.contact_id = cc.contact_id AND m.channel = cc.channel
             AND m.kind = 'confirmation' AND m.status <> 'failed' AND m.created_at > now() - make_interval(hours => $2))
         ORDER BY cc.contact_id, cc.channel LIMIT $3`,
        [after.contact, this.env.CONFIRMATION_RESEND_HOURS, SWEEP_BATCH, after.channel],
      );
      for (const { contact_id, channel } of due) {
        const result = await this.request(contact_id, channel);
        if (result.sent) sent++;
      }
      if (due.length < SWEEP_BATCH) return sent;
      const last = due[due.length - 1];
      after = { contact: last.contact_id, channel: last.channel };
    }
  }
}
