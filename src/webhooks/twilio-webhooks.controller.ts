import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiConsumes,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import twilio from 'twilio';
import { Public } from '../auth/auth.decorators.js';
import { Env, publicUrl } from '../config/config.js';
import { twilioFailureClass } from '../channels/drivers/twilio.js';
import type { MessageStatus } from '../messaging/message.entity.js';
import { MessagingService } from '../messaging/messaging.service.js';
import { InboundSmsService } from './inbound-sms.service.js';

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
@ApiTags('webhooks')
@ApiConsumes('application/x-www-form-urlencoded')
@ApiHeader({
  name: 'X-Twilio-Signature',
  required: true,
  description: 'Twilio signs every request; unsigned: 403',
})
@ApiForbiddenResponse({
  description: 'Not signed by Twilio for our public URL',
  content: { 'text/plain': { schema: { type: 'string', example: 'invalid signature' } } },
})
@Public()
@Controller('webhooks/twilio')
export class TwilioWebhooksController {
  constructor(
    private readonly env: Env,
    private readonly inboundSms: InboundSmsService,
    private readonly messaging: MessagingService,
  ) {}

  /**
   * STOP and its synonyms withdraw the SMS purposes the person had given; START/JA/YES confirm what is requested and
   * bring back exactly what a STOP withdrew; HELP explains. The TwiML reply goes at once (carriers require it).
   */
  @Post('inbound')
  @ApiOperation({ summary: 'Inbound SMS (Twilio): STOP, START and HELP keywords; answers TwiML' })
  @ApiOkResponse({
    description: 'The TwiML reply (an empty Response when there is nothing to answer)',
    content: {
      'text/xml': { schema: { type: 'string', example: '<Response><Message>…</Message></Response>' } },
    },
  })
  async inbound(@Req() req: Request, @Res() res: Response, @Body() body: Params) {
    if (!this.signed(req, body, 'inbound')) return res.status(403).type('text').send('invalid signature');
    const reply = await this.inboundSms.handle({
      from: body.From ?? null,
      body: body.Body ?? '',
      providerId: body.MessageSid ?? null,
    });
    const twiml = new twilio.twiml.MessagingResponse();
    if (reply) twiml.message(reply);
    res.status(200).type('text/xml').send(twiml.toString());
  }

  /** Delivery status: appended to the message's events, and its status moved forward (never back). */
  @Post('status')
  @ApiOperation({ summary: 'Delivery status callback (Twilio): kept, and moves the message forward' })
  @ApiNoContentResponse({ description: 'Taken' })
  @HttpCode(204)
  async status(@Req() req: Request, @Res() res: Response, @Body() body: Params) {
    if (!this.signed(req, body, 'status')) return res.status(403).type('text').send('invalid signature');
    const reported = body.MessageStatus ?? '';
    if (body.MessageSid && reported)
      await this.messaging.recordReport({
        channel: 'sms',
        providerId: body.MessageSid,
        reported,
        status: STATUS[reported] ?? null,
        code: body.ErrorCode || null,
        failure: body.ErrorCode ? twilioFailureClass(body.ErrorCode) : null,
      });
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
