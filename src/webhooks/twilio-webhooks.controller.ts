import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import twilio from 'twilio';
import type { DataSource } from 'typeorm';
import { Public } from '../auth/auth.decorators.js';
import { Env, publicUrl } from '../config/config.js';
import { ConsentService } from '../consent/consent.service.js';
import { TWILIO_OPTED_OUT } from '../channels/delivery.js';
import { Message, type MessageStatus } from '../messaging/message.entity.js';
import { MessagingService } from '../messaging/messaging.service.js';
import { fill, stringsFor } from '../public/strings.js';
import { keywordIntent } from './sms-keywords.js';

type Params = Record<string, string>;

/** Twilio's delivery states, as our ledger names them. */
const STATUS: Record<string, MessageStatus> = {
  accepted: 'sending',
  queued: 'sending',
  sending: 'sending',
  sent: 'sent',
  delivered: 'delivered',
  undelivered: 'failed',
  failed: 'failed',
};

/** Inbound SMS and delivery callbacks; only requests Twilio signed for our public URL are taken. */
@ApiExcludeController()
@Public()
@Controller('webhooks/twilio')
export class TwilioWebhooksController {
  constructor(
    private readonly env: Env,
    @InjectDataSource() private readonly db: DataSource,
    private readonly consent: ConsentService,
    private readonly messaging: MessagingService,
  ) {}

  /** STOP and its synonyms withdraw SMS consent for every purpose; START/JA/YES confirm; HELP explains. */
  @Post('inbound')
  async inbound(@Req() req: Request, @Res() res: Response, @Body() body: Params) {
    if (!this.signed(req, body, 'inbound')) return res.status(403).type('text').send('invalid signature');
    const intent = keywordIntent(body.Body ?? '');
    const contacts: { id: string; language: string }[] = body.From
      ? await this.db.query(`SELECT id, language FROM contacts WHERE phone = $1 ORDER BY created_at`, [
          body.From,
        ])
      : [];
    const { t } = stringsFor(contacts[0]?.language);
    const evidence = {
      source: 'sms-keyword' as const,
      details: { keyword: (body.Body ?? '').trim().slice(0, 40), messageSid: body.MessageSid ?? null },
    };
    let reply: string | null = null;
    if (intent === 'stop') {
      for (const c of contacts) {
        // states() lists every configured purpose and any other the contact holds.
        const purposes = [...new Set((await this.consent.states(c.id)).map((s) => s.purpose))];
        await this.consent.change(c.id, 'sms', purposes, 'withdrawn', evidence);
      }
      reply = t.smsStopped;
    } else if (intent === 'start') {
      for (const c of contacts) {
        const purposes = await this.consent.purposesIn(c.id, 'sms', ['requested', 'withdrawn']);
        await this.consent.change(c.id, 'sms', purposes, 'confirmed', evidence);
      }
      reply = t.smsStarted;
    } else if (intent === 'help') reply = t.smsHelp;
    const twiml = new twilio.twiml.MessagingResponse();
    if (reply) twiml.message(fill(reply, { sender: this.env.SENDER_NAME }));
    res.status(200).type('text/xml').send(twiml.toString());
  }

  /** Delivery status against the ledger row; an "unsubscribed recipient" error withdraws the number. */
  @Post('status')
  @HttpCode(204)
  async status(@Req() req: Request, @Res() res: Response, @Body() body: Params) {
    if (!this.signed(req, body, 'status')) return res.status(403).type('text').send('invalid signature');
    const status = STATUS[body.MessageStatus ?? ''];
    const message = body.MessageSid
      ? await this.db.getRepository(Message).findOneBy({ providerId: body.MessageSid })
      : null;
    if (message && status) {
      await this.db.getRepository(Message).update(message.id, {
        status,
        ...(body.ErrorCode && { errorCode: body.ErrorCode, error: `twilio ${body.MessageStatus}` }),
      });
      if (body.ErrorCode === TWILIO_OPTED_OUT)
        await this.messaging.withdrawRefused(message.id, body.ErrorCode);
    }
    res.status(204).send();
  }

  private signed(req: Request, body: Params, path: string): boolean {
    const signature = req.get('x-twilio-signature');
    const token = this.env.TWILIO_AUTH_TOKEN;
    if (!signature || !token) return false;
    return twilio.validateRequest(
      token,
      signature,
      `${publicUrl(this.env)}/webhooks/twilio/${path}`,
      body ?? {},
    );
  }
}
