import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Env } from '../config/config.js';
import type { Email, EmailDriver, SendOutcome } from './delivery.js';
import { EmailOutboxDriver } from './drivers/email-outbox.js';
import { SmtpDriver } from './drivers/smtp.js';

export type { Email } from './delivery.js';

/** The email drivers by EMAIL_PROVIDER name: a new provider is one file in drivers/ and one line here. */
const DRIVERS: Record<Env['EMAIL_PROVIDER'] & string, new (env: Env) => EmailDriver> = {
  smtp: SmtpDriver,
  outbox: EmailOutboxDriver,
};

/** Email through the configured driver: SMTP when SMTP_URL is set, else `.eml` files in the outbox folder. */
@Injectable()
export class EmailChannel implements OnModuleDestroy {
  private readonly logger = new Logger('EmailChannel');
  private readonly driver: EmailDriver;
  private readonly domain: string;

  constructor(env: Env) {
    this.domain = env.MAIL_FROM.split('@')[1]?.replace(/>.*$/, '') || 'localhost';
    this.driver = new DRIVERS[env.EMAIL_PROVIDER ?? (env.SMTP_URL ? 'smtp' : 'outbox')](env);
  }

  get target(): string {
    return this.driver.target;
  }

  async send(email: Email): Promise<SendOutcome> {
    const outcome = await this.driver.send(email, `<${email.id ?? randomUUID()}@${this.domain}>`);
    if (!outcome.ok)
      this.logger.warn(`email ${email.id ?? ''} failed (${outcome.failure}): ${outcome.reason}`);
    return outcome;
  }

  onModuleDestroy() {
    this.driver.close?.();
  }
}
