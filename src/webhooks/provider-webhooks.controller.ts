import { Body, Controller, HttpCode, NotFoundException, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiConsumes,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../common/auth.decorators.js';
import { ApiErrors } from '../common/api-docs.js';
import type { SmsCallbacks } from '../channels/callbacks.js';
import { SMS_PROVIDERS } from '../channels/sms-providers.js';
import { Env, publicUrl } from '../config/config.js';
import { MessagingService } from '../messaging/messaging.service.js';
import { InboundSmsService } from './inbound-sms.service.js';

type Params = Record<string, string>;

/**
 * What SMS providers call back, one route for all of them: `/webhooks/<provider>/inbound` and `…/status`. The
 * provider's own side (`SmsCallbacks`, beside its driver) says whether it signed the request and what it says; only
 * requests it signed for our public URL are taken.
 */
@ApiTags('webhooks')
@ApiConsumes('application/x-www-form-urlencoded')
@ApiParam({ name: 'provider', description: 'The SMS provider calling back, e.g. twilio', example: 'twilio' })
@ApiHeader({
  name: 'X-Twilio-Signature',
  required: false,
  description: "The provider's signature (Twilio signs every request); unsigned: 403",
})
@ApiForbiddenResponse({
  description: 'Not signed by the provider for our public URL',
  content: { 'text/plain': { schema: { type: 'string', example: 'invalid signature' } } },
})
@ApiUnsupportedMediaTypeResponse({
  description: 'Not in the form the provider posts (Twilio: form-encoded; it signs form parameters only)',
  content: { 'text/plain': { schema: { type: 'string' } } },
})
@ApiErrors({ 404: 'No such provider, or one that does not call back' })
@Public()
@Controller('webhooks')
export class ProviderWebhooksController {
  constructor(
    private readonly env: Env,
    private readonly inboundSms: InboundSmsService,
    private readonly messaging: MessagingService,
  ) {}

  /**
   * STOP and its synonyms withdraw the SMS purposes the person had given; START/JA/YES confirm what is requested and
   * bring back exactly what a STOP withdrew; HELP explains. The reply goes at once (carriers require it).
   */
  @Post(':provider/inbound')
  @ApiOperation({
    summary: "Inbound SMS: STOP, START and HELP keywords; answers in the provider's form (TwiML)",
  })
  @ApiOkResponse({
    description: 'The reply (Twilio: TwiML, an empty Response when there is nothing to answer)',
    content: {
      'text/xml': { schema: { type: 'string', example: '<Response><Message>…</Message></Response>' } },
    },
  })
  async inbound(
    @Param('provider') name: string,
    @Req() req: Request,
    @Res() res: Response,
    @Body() body: Params,
  ) {
    const provider = this.signed(name, 'inbound', req, res, body);
    if (!provider) return;
    const reply = await this.inboundSms.handle(provider.inboundMessage(body ?? {}));
    const answer = provider.reply(reply);
    res.status(200).type(answer.type).send(answer.body);
  }

  /** Delivery status: about one message (by its provider id, and its recipient where an id is shared). */
  @Post(':provider/status')
  @ApiOperation({ summary: 'Delivery status callback: kept, and moves the message forward' })
  @ApiNoContentResponse({ description: 'Taken' })
  @HttpCode(204)
  async status(
    @Param('provider') name: string,
    @Req() req: Request,
    @Res() res: Response,
    @Body() body: Params,
  ) {
    const provider = this.signed(name, 'status', req, res, body);
    if (!provider) return;
    const report = provider.statusReport(body ?? {});
    if (report) await this.messaging.recordReport({ channel: 'sms', ...report });
    res.status(204).send();
  }

  /** The provider's callbacks when it signed this request; otherwise the refusal is answered and null returned. */
  private signed(name: string, path: string, req: Request, res: Response, body: Params): SmsCallbacks | null {
    const Callbacks = Object.hasOwn(SMS_PROVIDERS, name) ? SMS_PROVIDERS[name].callbacks : undefined;
    if (!Callbacks) throw new NotFoundException(`No SMS provider "${name}" calls back here`);
    const provider = new Callbacks(this.env);
    const refused = provider.refusal({
      url: `${publicUrl(this.env)}/webhooks/${name}/${path}`,
      is: (type) => !!req.is(type),
      header: (header) => req.get(header),
      body: body ?? {},
    });
    if (!refused) return provider;
    res.status(refused.status).type('text').send(refused.text);
    return null;
  }
}
