import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import twilio from 'twilio';
import { Env, outboxDir, publicUrl } from '../config/config.js';
import { twilioFailure, type SendOutcome } from './delivery.js';

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

/** SMS through Twilio when TWILIO_ACCOUNT_SID is set, else as JSON lines in the outbox's sms.jsonl. */
@Injectable()
export class SmsChannel {
  private readonly logger = new Logger('SmsChannel');
  private client?: TwilioClient;

  constructor(private readonly env: Env) {}

  get configured(): boolean {
    return Boolean(this.env.TWILIO_ACCOUNT_SID);
  }

  get target(): string {
    return this.configured ? 'twilio' : `outbox ${join(outboxDir(this.env), 'sms.jsonl')}`;
  }

  private twilio(): TwilioClient {
    this.client ??= twilio(this.env.TWILIO_ACCOUNT_SID, this.env.TWILIO_AUTH_TOKEN, {
      ...(this.env.TWILIO_API_URL && { httpClient: new RedirectingRequestClient(this.env.TWILIO_API_URL) }),
    });
    return this.client;
  }

  async send(to: string, body: string): Promise<SendOutcome> {
    if (!this.configured) return this.toOutbox(to, body);
    try {
      const message = await this.twilio().messages.create({
        to,
        body,
        ...(this.env.TWILIO_MESSAGING_SERVICE_SID
          ? { messagingServiceSid: this.env.TWILIO_MESSAGING_SERVICE_SID }
          : { from: this.env.TWILIO_FROM! }),
        statusCallback: `${publicUrl(this.env)}/webhooks/twilio/status`,
      });
      return { ok: true, providerId: message.sid };
    } catch (error) {
      const outcome = twilioFailure(error);
      this.logger.warn(`SMS failed: ${(outcome as { reason: string }).reason}`);
      return outcome;
    }
  }

  private async toOutbox(to: string, body: string): Promise<SendOutcome> {
    const dir = outboxDir(this.env);
    await mkdir(dir, { recursive: true });
    const sid = `LOCAL${randomUUID().replace(/-/g, '')}`;
    await appendFile(
      join(dir, 'sms.jsonl'),
      JSON.stringify({ sid, to, body, at: new Date().toISOString() }) + '\n',
    );
    return { ok: true, providerId: sid };
  }
}
