import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiConsumes,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
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
@ApiUnsupportedMediaTypeResponse({
  description: 'Not form-encoded (Twilio signs form parameters only)',
  content: { 'text/plain': { schema: { type: 'string' } } },
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
    const refused = this.refusal(req, body, 'inbound');
    if (refused) return res.status(refused.status).type('text').send(refused.text);
    const reply = await this.inboundSms.handle({
      from: body.From ?? null,
      body: body.Body ?? '',
      providerId: body.MessageSid ?? null,
    });
    const twiml = new twilio.twiml.MessagingResponse();
    if (reply) twiml.message(reply);
    res.status(200).type('text/xml').send(twiml.toString());
  }

  /** Delivery status: about one message (by its sid, and its `To` where a sid is shared); see `recordReport`. */
  @Post('status')
  @ApiOperation({ summary: 'Delivery status callback (Twilio): kept, and moves the message forward' })
  @ApiNoContentResponse({ description: 'Taken' })
  @HttpCode(204)
  async status(@Req() req: Request, @Res() res: Response, @Body() body: Params) {
    const refused = this.refusal(req, body, 'status');
    if (refused) return res.status(refused.status).type('text').send(refused.text);
    const reported = body.MessageStatus ?? '';
    if (body.MessageSid && reported)
      await this.messaging.recordReport({
        channel: 'sms',
        providerId: body.MessageSid,
        recipient: body.To ?? null,
        reported,
        status: STATUS[reported] ?? null,
        code: body.ErrorCode || null,
        failure: body.ErrorCode ? twilioFailureClass(body.ErrorCode) : null,
      });
    res.status(204).send();
  }

  /**
   * Why a request is not taken, or null when Twilio signed it for our public URL. Twilio signs the form parameters
   * it posts: a body in any other encoding (JSON, say) is not what it signed, so it is refused before anything reads it.
   */
  private refusal(req: Request, body: Params, path: string): { status: number; text: string } | null {
    if (!req.is('application/x-www-form-urlencoded'))
      return { status: 415, text: 'only application/x-www-form-urlencoded, as Twilio posts it' };
    const signature = req.get('x-twilio-signature');
    const token = this.env.TWILIO_AUTH_TOKEN;
    const valid =
      !!signature &&
      !!token &&
      twilio.validateRequest(token, signature, `${publicUrl(this.env)}/webhooks/twilio/${path}`, body ?? {});
    return valid ? null : { status: 403, text: 'invalid signature' };
  }
}
