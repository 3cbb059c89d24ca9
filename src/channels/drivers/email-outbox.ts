import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import { outboxDir, type Env } from '../../config/config.js';
import type { Email, EmailDriver, SendOutcome } from '../delivery.js';
import { dkimOptions, mailOptions, smtpFailure } from './smtp.js';

/**
 * Email as `.eml` files in the outbox folder: the embedded default, with no mail server. One file per message,
 * named by its Message-ID (unique per ledger row), written under a temporary name and renamed into place, so a
 * reader never sees half a message and two messages never share a file.
 */
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
      const path = join(dir, `${messageId.replace(/[^\w.@-]/g, '')}.eml`);
      const partial = `${path}.${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(partial, (info as unknown as { message: Buffer }).message, { flag: 'wx' });
      await rename(partial, path);
      return { ok: true, providerId: messageId };
    } catch (error) {
      return smtpFailure(error);
    }
  }
}
