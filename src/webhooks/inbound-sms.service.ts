import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { fill, stringsFor } from '../common/strings.js';
import { Env } from '../config/config.js';
import { ConsentService } from '../consent/consent.service.js';
import { keywordIntent } from './sms-keywords.js';

/** An SMS a person sent us, whatever the provider. */
export interface InboundSms {
  from: string | null;
  body: string;
  /** The provider's id of the message, kept as evidence. */
  providerId: string | null;
}

/**
 * What an inbound SMS does, provider-neutral: STOP and its synonyms withdraw the SMS purposes the person had given;
 * START/JA/YES confirm what is requested and bring back exactly what a STOP withdrew; HELP explains. Returns the
 * reply to send at once (carriers require it), or null for a message that is no keyword.
 */
@Injectable()
export class InboundSmsService {
  constructor(
    private readonly env: Env,
    @InjectDataSource() private readonly db: DataSource,
    private readonly consent: ConsentService,
  ) {}

  async handle(sms: InboundSms): Promise<string | null> {
    const intent = keywordIntent(sms.body);
    const contacts: { id: string; language: string }[] = sms.from
      ? await this.db.query(`SELECT id, language FROM contacts WHERE phone = $1 ORDER BY created_at`, [
          sms.from,
        ])
      : [];
    const { t } = stringsFor(contacts[0]?.language);
    const evidence = {
      source: 'sms-keyword' as const,
      details: { keyword: sms.body.trim().slice(0, 40), messageSid: sms.providerId },
    };
    let reply: string | null = null;
    if (intent === 'stop') {
      for (const c of contacts) await this.consent.withdrawGiven(c.id, 'sms', evidence);
      reply = t.smsStopped;
    } else if (intent === 'start') {
      for (const c of contacts) await this.consent.restoreStopped(c.id, 'sms', evidence);
      reply = t.smsStarted;
    } else if (intent === 'help') reply = t.smsHelp;
    return reply && fill(reply, { sender: this.env.SENDER_NAME });
  }
}
