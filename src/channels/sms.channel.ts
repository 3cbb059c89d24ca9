import { Injectable, Logger } from '@nestjs/common';
import { Env } from '../config/config.js';
import type { SendOutcome, SmsDriver } from './delivery.js';
import { SmsOutboxDriver } from './drivers/sms-outbox.js';
import { TwilioDriver } from './drivers/twilio.js';

/** The SMS drivers by SMS_PROVIDER name: a new provider is one file in drivers/ and one line here. */
const DRIVERS: Record<Env['SMS_PROVIDER'] & string, new (env: Env) => SmsDriver> = {
  twilio: TwilioDriver,
  outbox: SmsOutboxDriver,
};

/** SMS through the configured driver: Twilio when TWILIO_ACCOUNT_SID is set, else the outbox's sms.jsonl. */
@Injectable()
export class SmsChannel {
  private readonly logger = new Logger('SmsChannel');
  private readonly driver: SmsDriver;

  constructor(env: Env) {
    this.driver = new DRIVERS[env.SMS_PROVIDER ?? (env.TWILIO_ACCOUNT_SID ? 'twilio' : 'outbox')](env);
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
