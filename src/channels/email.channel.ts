import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import { Env, outboxDir } from '../config/config.js';
import { smtpFailure, type SendOutcome } from './delivery.js';

export interface Email {
  to: string;
  subject: string;
  html: string;
  text: string;
  /** The signed one-click URL: becomes List-Unsubscribe with List-Unsubscribe-Post (RFC 8058). */
  unsubscribeUrl?: string;
  language?: string;
  /** Makes the Message-ID: the ledger row's id, so a message can be traced from any inbox back to its row. */
  id?: string;
}

/** Email over SMTP (pooled) when SMTP_URL is set, else as .eml files in the outbox folder. */
@Injectable()
export class EmailChannel implements OnModuleDestroy {
  private readonly logger = new Logger('EmailChannel');
  private transport?: Transporter;
  private readonly domain: string;

  constructor(private readonly env: Env) {
    this.domain = env.MAIL_FROM.split('@')[1]?.replace(/>.*$/, '') || 'localhost';
  }

  get target(): string {
    return this.env.SMTP_URL ? 'smtp' : `outbox ${outboxDir(this.env)}`;
  }

  private async transporter(): Promise<Transporter> {
    if (this.transport) return this.transport;
    const { DKIM_DOMAIN, DKIM_SELECTOR, DKIM_PRIVATE_KEY_FILE } = this.env;
    const dkim =
      DKIM_DOMAIN && DKIM_SELECTOR && DKIM_PRIVATE_KEY_FILE
        ? {
            domainName: DKIM_DOMAIN,
            keySelector: DKIM_SELECTOR,
            privateKey: await readFile(DKIM_PRIVATE_KEY_FILE, 'utf8'),
          }
        : undefined;
    this.transport = this.env.SMTP_URL
      ? nodemailer.createTransport({ url: this.env.SMTP_URL, pool: true, maxConnections: 5, dkim } as never)
      : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix', dkim });
    return this.transport;
  }

  async send(email: Email): Promise<SendOutcome> {
    const messageId = `<${email.id ?? randomUUID()}@${this.domain}>`;
    try {
      const transport = await this.transporter();
      const info = await transport.sendMail({
        from: { name: this.env.SENDER_NAME, address: this.env.MAIL_FROM },
        to: email.to,
        subject: email.subject,
        html: email.html,
        text: email.text,
        messageId,
        ...(email.language && { headers: { 'Content-Language': email.language } }),
        // One URL, not two: nodemailer writes one List-Unsubscribe header per entry.
        ...(email.unsubscribeUrl && {
          list: { unsubscribe: { url: email.unsubscribeUrl, comment: 'Unsubscribe' } },
          headers: {
            ...(email.language && { 'Content-Language': email.language }),
            'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
          },
        }),
      });
      if (!this.env.SMTP_URL)
        await this.toOutbox(messageId, (info as unknown as { message: Buffer }).message);
      return { ok: true, providerId: messageId };
    } catch (error) {
      const outcome = smtpFailure(error);
      this.logger.warn(`email ${email.id ?? ''} failed: ${(outcome as { reason: string }).reason}`);
      return outcome;
    }
  }

  private async toOutbox(messageId: string, message: Buffer) {
    const dir = outboxDir(this.env);
    await mkdir(dir, { recursive: true });
    const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${messageId.slice(1, 9)}.eml`;
    await writeFile(join(dir, name), message);
  }

  onModuleDestroy() {
    this.transport?.close();
  }
}
