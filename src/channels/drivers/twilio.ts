import twilio from 'twilio';
import { publicUrl, type Env } from '../../config/config.js';
import type { InboundMessage, ProviderRequest, Refusal, SmsCallbacks, StatusReport } from '../callbacks.js';
import { failed, type FailureClass, type SendOutcome, type SmsDriver } from '../delivery.js';

type TwilioClient = ReturnType<typeof twilio>;
type RequestOptions = Parameters<InstanceType<typeof twilio.RequestClient>['request']>[0];

/** The SDK's own HTTP client, pointed at a Twilio-compatible API elsewhere (TWILIO_API_URL). */
export class RedirectingRequestClient extends twilio.RequestClient {
  constructor(private readonly base: string) {
    super();
  }

  override request<T>(opts: RequestOptions & { data?: T }) {
    return super.request({
      ...opts,
      uri: opts.uri.replace(/^https:\/\/[^/]+/, this.base.replace(/\/+$/, '')),
    });
  }
}

/** Twilio's error codes, in the product's words (https://www.twilio.com/docs/api/errors). */
const CLASSES: Record<string, FailureClass> = {
  '21610': 'opted-out', // Attempt to send to unsubscribed recipient
  '21211': 'invalid-address', // Invalid 'To' phone number
  '21614': 'invalid-address', // 'To' number is not a valid mobile number
  '30003': 'invalid-address', // Unreachable destination handset
  '30005': 'invalid-address', // Unknown destination handset
  '30006': 'invalid-address', // Landline or unreachable carrier
  '20429': 'rate-limited',
};

/** A Twilio error code (from an API answer or a status callback) as a neutral failure class, if it is a failure. */
export function twilioFailureClass(code: string | number): FailureClass {
  return CLASSES[String(code)] ?? 'rejected';
}

/**
 * Twilio: a 4xx answer with an error code is permanent, classed by its code; 429, 5xx and failures to connect are
 * transient.
 */
export function twilioFailure(error: unknown): SendOutcome {
  const e = error as { status?: number; code?: number | string; message?: string };
  const reason = e.message ?? String(error);
  if (typeof e.status === 'number') {
    const code = String(e.code ?? `http-${e.status}`);
    if (e.status === 429) return failed('rate-limited', code, reason);
    if (e.status >= 400 && e.status < 500) return failed(twilioFailureClass(code), code, reason);
    return failed('transient', code, reason);
  }
  return failed('transient', typeof e.code === 'string' ? e.code : 'unknown', reason);
}

/** SMS through the twilio SDK, with a status callback to our webhook. */
export class TwilioDriver implements SmsDriver {
  readonly target = 'twilio';
  private client?: TwilioClient;

  constructor(private readonly env: Env) {}

  async send(to: string, body: string): Promise<SendOutcome> {
    this.client ??= twilio(this.env.TWILIO_ACCOUNT_SID, this.env.TWILIO_AUTH_TOKEN, {
      ...(this.env.TWILIO_API_URL && { httpClient: new RedirectingRequestClient(this.env.TWILIO_API_URL) }),
    });
    try {
      const message = await this.client.messages.create({
        to,
        body,
        ...(this.env.TWILIO_MESSAGING_SERVICE_SID
          ? { messagingServiceSid: this.env.TWILIO_MESSAGING_SERVICE_SID }
          : { from: this.env.TWILIO_FROM! }),
        statusCallback: `${publicUrl(this.env)}/webhooks/twilio/status`,
      });
      return { ok: true, providerId: message.sid };
    } catch (error) {
      return twilioFailure(error);
    }
  }
}

/** Twilio's delivery states, as the ledger names them. */
const STATUS: Record<string, StatusReport['status']> = {
  accepted: 'sending',
  queued: 'sending',
  sending: 'sending',
  sent: 'sent',
  delivered: 'delivered',
  undelivered: 'failed',
  failed: 'failed',
};

/** Twilio's callbacks: signed form posts (`X-Twilio-Signature`), status by `MessageSid`, replies as TwiML. */
export class TwilioCallbacks implements SmsCallbacks {
  constructor(private readonly env: Env) {}

  /** Twilio signs the form parameters it posts: a body in any other encoding is not what it signed. */
  refusal(request: ProviderRequest): Refusal | null {
    if (!request.is('application/x-www-form-urlencoded'))
      return { status: 415, text: 'only application/x-www-form-urlencoded, as Twilio posts it' };
    const signature = request.header('x-twilio-signature');
    const token = this.env.TWILIO_AUTH_TOKEN;
    const valid =
      !!signature && !!token && twilio.validateRequest(token, signature, request.url, request.body);
    return valid ? null : { status: 403, text: 'invalid signature' };
  }

  statusReport(body: Record<string, string>): StatusReport | null {
    const reported = body.MessageStatus ?? '';
    if (!body.MessageSid || !reported) return null;
    return {
      providerId: body.MessageSid,
      reported,
      recipient: body.To ?? null,
      status: STATUS[reported] ?? null,
      code: body.ErrorCode || null,
      failure: body.ErrorCode ? twilioFailureClass(body.ErrorCode) : null,
    };
  }

  inboundMessage(body: Record<string, string>): InboundMessage {
    return { from: body.From ?? null, body: body.Body ?? '', providerId: body.MessageSid ?? null };
  }

  reply(text: string | null) {
    const twiml = new twilio.twiml.MessagingResponse();
    if (text) twiml.message(text);
    return { type: 'text/xml', body: twiml.toString() };
  }
}
