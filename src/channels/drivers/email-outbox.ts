import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import { outboxDir, type Env } from '../../config/config.js';
import type { Email, EmailDriver, SendOutcome } from '../delivery.js';
import { dkimOptions, mailOptions, smtpFailure } from './smtp.js';

/** Email as `.eml` files in the outbox folder: the embedded default, with no mail server. */
export class EmailOutboxDriver implements EmailDriver {
  private transport?: Promise<Transporter>;

  constructor(private readonly env: Env) {}

  get target() {
    return `outbox ${outboxDir(this.env)}`;
  }

  async send(email: Email, messageId: string): Promise<SendOutcome> {
    try {
      this.transport ??= dkimOptions(this.env).then((dkim) =>
        nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix', dkim }),
      );
      const info = await (await this.transport).sendMail(mailOptions(this.env, email, messageId));
      const dir = outboxDir(this.env);
      await mkdir(dir, { recursive: true });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${messageId.slice(1, 9)}.eml`;
      await writeFile(join(dir, name), (info as unknown as { message: Buffer }).message);
      return { ok: true, providerId: messageId };
    } catch (error) {
      return smtpFailure(error);
    }
  }
}
