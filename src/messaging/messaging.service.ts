import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { EmailChannel, type Email } from '../channels/email.channel.js';
import { SmsChannel } from '../channels/sms.channel.js';
import { refusedChannel, TWILIO_OPTED_OUT, type SendOutcome } from '../channels/delivery.js';
import { AppError, ErrorCode } from '../common/errors.js';
import { consentPurposes, Env } from '../config/config.js';
import type { Channel } from '../consent/consent.js';
import type { Refusal, SendKind } from '../consent/consent-gate.js';
import { ConsentService } from '../consent/consent.service.js';
import { Contact } from '../contacts/contact.entity.js';
import { LinkService } from '../links/link.service.js';
import { renderMessage } from '../templates/render-message.js';
import { IssueTemplate } from '../templates/template.entities.js';
import { Message, type MessageStatus } from './message.entity.js';

/** What a send did: a ledger row, or the gate's reason for not sending. */
export type SendResult =
  | { sent: true; messageId: string; status: MessageStatus; outcome: SendOutcome }
  | { sent: false; reason: Refusal };

export interface Outgoing {
  /** The email, given the contact and its signed links; or the SMS body. */
  email?: (contact: Contact) => Email;
  sms?: (contact: Contact) => string;
  templateKey?: string;
  templateVersion?: number;
  language?: string;
}

@Injectable()
export class MessagingService {
  private readonly logger = new Logger('Messaging');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly env: Env,
    private readonly consent: ConsentService,
    private readonly links: LinkService,
    private readonly email: EmailChannel,
    private readonly sms: SmsChannel,
  ) {}

  /**
   * The one way a message leaves: under a lock on the contact, ask the consent gate, write the ledger row, commit;
   * then hand the message to the channel and record its answer. Two concurrent sends to one contact queue on the
   * lock, so the second sees the first one's row.
   */
  async send(
    contactId: string,
    channel: Channel,
    purpose: string,
    kind: SendKind,
    outgoing: Outgoing,
  ): Promise<SendResult> {
    const claimed = await this.db.transaction(async (m) => {
      const contact = await m
        .getRepository(Contact)
        .createQueryBuilder('c')
        .setLock('pessimistic_write')
        .where('c.id = :contactId', { contactId })
        .getOne();
      const decision = await this.consent.maySend(contactId, channel, purpose, kind, m);
      if (!decision.allowed) return { refused: decision.reason };
      const row = await m.getRepository(Message).save(
        m.getRepository(Message).create({
          kind: kind === 'confirmation' ? 'confirmation' : 'campaign',
          contactId,
          channel,
          purpose,
          address: channel === 'email' ? contact!.email : contact!.phone,
          templateKey: outgoing.templateKey ?? null,
          templateVersion: outgoing.templateVersion ?? null,
          language: outgoing.language ?? contact!.language,
          status: 'sending',
          attempts: 1,
        }),
      );
      return { contact: contact!, row };
    });
    if ('refused' in claimed) return { sent: false, reason: claimed.refused! };
    const { contact, row } = claimed;
    const outcome =
      channel === 'email'
        ? await this.email.send(outgoing.email!(contact))
        : await this.sms.send(contact.phone!, outgoing.sms!(contact));
    const status = await this.recordOutcome(row.id, outcome);
    return { sent: true, messageId: row.id, status, outcome };
  }

  /** Stores the provider's answer; an opted-out number at the provider withdraws its SMS consent here too. */
  async recordOutcome(messageId: string, outcome: SendOutcome): Promise<MessageStatus> {
    const status: MessageStatus = outcome.ok ? 'sent' : 'failed';
    await this.db
      .getRepository(Message)
      .update(
        messageId,
        outcome.ok
          ? { status, providerId: outcome.providerId, sentAt: new Date() }
          : { status, errorCode: outcome.code, error: outcome.reason.slice(0, 1000) },
      );
    if (!outcome.ok && outcome.code === TWILIO_OPTED_OUT) await this.withdrawRefused(messageId, outcome.code);
    return status;
  }

  /**
   * A provider refused the address for good (Twilio 21610: the number opted out; SMTP 550/551/553: no such mailbox):
   * that channel's consent ends for every purpose, with the provider's word as the source.
   */
  async withdrawRefused(messageId: string, code: string) {
    const channel = refusedChannel(code);
    if (!channel) return;
    const message = await this.db.getRepository(Message).findOneBy({ id: messageId });
    if (!message?.contactId) return;
    const purposes = [...new Set([...consentPurposes(this.env), message.purpose])];
    await this.consent.change(message.contactId, channel, purposes, 'withdrawn', {
      source: 'api',
      details: { provider: channel === 'sms' ? 'twilio' : 'smtp', code, messageId },
    });
  }

  /** One issue template to one contact, in the contact's language, with signed opt-out links. */
  async sendTemplate(
    contactId: string,
    channel: Channel,
    purpose: string,
    templateKey: string,
  ): Promise<SendResult> {
    const template = await this.db.getRepository(IssueTemplate).findOneBy({ key: templateKey });
    if (!template) throw new AppError(ErrorCode.BadRequest, `No template with the key ${templateKey}`);
    const contact = await this.db.getRepository(Contact).findOneBy({ id: contactId });
    if (!contact) throw new AppError(ErrorCode.NotFound, 'No contact with this id');
    const language = contact.language === 'de' ? 'de' : 'en';
    const content = template.content[language];
    const region: { name: string }[] = contact.regionId
      ? await this.db.query(`SELECT name FROM regions WHERE id = $1`, [contact.regionId])
      : [];
    const values = { first_name: contact.firstName ?? '', region_name: region[0]?.name ?? '' };
    return this.send(contactId, channel, purpose, 'campaign', {
      templateKey: template.key,
      templateVersion: template.version,
      language,
      email: (c) => {
        const unsubscribeUrl = this.links.url('unsubscribe', { contactId: c.id, channel: 'email', purpose });
        const { subject, html, text } = renderMessage(content, { ...values, opt_out_link: unsubscribeUrl });
        return { to: c.email!, subject, html, text, unsubscribeUrl, language };
      },
      sms: () => renderMessage(content, values).sms,
    });
  }
}
