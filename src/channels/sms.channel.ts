import { Injectable, Logger } from '@nestjs/common';
import { Env } from '../config/config.js';
import type { SendOutcome, SmsDriver } from './delivery.js';
import { chosenSmsProvider } from './sms-providers.js';

/** SMS through the configured driver: Twilio when TWILIO_ACCOUNT_SID is set, else the outbox's sms.jsonl. */
@Injectable()
export class SmsChannel {
  private readonly logger = new Logger('SmsChannel');
  private readonly driver: SmsDriver;

  constructor(env: Env) {
    this.driver = new (chosenSmsProvider(env).driver)(env);
  }

  get target(): string {
    return this.driver.target;
  }

  async send(to: string, body: string): Promise<SendOutcome> {
    const outcome = await this.driver.send(to, body);
    if (!outcome.ok) this.logger.warn(`SMS failed (${outcome.failure}): ${outcome.reason}`);
    return outcome;
  }
}
