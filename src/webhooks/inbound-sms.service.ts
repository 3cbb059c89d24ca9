import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { InboundMessage } from '../channels/callbacks.js';
import { fill, PAGE_LANGUAGES, STRINGS, stringsFor } from '../common/strings.js';
import { Env } from '../config/config.js';
import { ConsentService, type Evidence } from '../consent/consent.service.js';
import { OptOutsService } from '../messaging/opt-outs.service.js';
import { keywordIntent } from './sms-keywords.js';

/** The replies that say nothing about the number: the same for every number, known or not. */
type NeutralReply = 'smsHelp' | 'smsStopNothing' | 'smsStartNothing';

/**
 * What an inbound SMS does, provider-neutral: STOP and its synonyms withdraw the SMS purposes the person had given;
 * START/JA/YES confirm what is requested and bring back exactly what a STOP withdrew; HELP explains. Returns the
 * reply to send at once (carriers require it), or null for a message that is no keyword.
 *
 * Only a keyword that changed something gets a reply saying so, in the contact's language. HELP, and a keyword that
 * changed nothing (an unknown number, a STOP with nothing given, a START with nothing to bring back), get a neutral
 * reply that is the same for every number in wording and language, so it tells no one whether we hold the number;
 * and for an unknown number nothing is recorded.
 */
@Injectable()
export class InboundSmsService {
  constructor(
    private readonly env: Env,
    @InjectDataSource() private readonly db: DataSource,
    private readonly consent: ConsentService,
    private readonly optOuts: OptOutsService,
  ) {}

  async handle(sms: InboundMessage): Promise<string | null> {
    const intent = keywordIntent(sms.body);
    if (intent === null) return null;
    if (intent === 'help') return this.neutral('smsHelp');
    const contacts: { id: string; language: string }[] = sms.from
      ? await this.db.query(`SELECT id, language FROM contacts WHERE phone = $1 ORDER BY created_at`, [
          sms.from,
        ])
      : [];
    const evidence: Evidence = {
      source: 'sms-keyword',
      details: { keyword: sms.body.trim().slice(0, 40), messageSid: sms.providerId },
    };
    // Several contacts may share a number (a household): each one's own consent changes, and the reply is in the
    // language of the first whose consent did.
    let replyLanguage: string | null = null;
    for (const c of contacts) {
      const purposes =
        intent === 'stop'
          ? await this.stop(c.id, evidence)
          : await this.consent.restoreStopped(c.id, 'sms', evidence);
      if (purposes.length) replyLanguage ??= c.language;
    }
    if (replyLanguage === null) return this.neutral(intent === 'stop' ? 'smsStopNothing' : 'smsStartNothing');
    const { t } = stringsFor(replyLanguage);
    return fill(intent === 'stop' ? t.smsStopped : t.smsStarted, { sender: this.env.SENDER_NAME });
  }

  /** Withdraws what the contact had given by SMS and, if that changed anything, counts it for the wave it answers. */
  private stop(contactId: string, evidence: Evidence): Promise<string[]> {
    return this.db.transaction(async (m) => {
      const purposes = await this.consent.withdrawGiven(contactId, 'sms', evidence, m);
      if (purposes.length) await this.optOuts.throughStop(m, contactId, purposes);
      return purposes;
    });
  }

  /** A neutral reply in every language we write, one line each. */
  private neutral(key: NeutralReply): string {
    return PAGE_LANGUAGES.map((language) =>
      fill(STRINGS[language][key], { sender: this.env.SENDER_NAME }),
    ).join('\n');
  }
}
