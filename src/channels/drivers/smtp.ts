import { readFile } from 'node:fs/promises';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import type { Env } from '../../config/config.js';
import { failed, type Email, type EmailDriver, type SendOutcome } from '../delivery.js';

/** Node's and nodemailer's codes for a server that could not be reached or answered too late. */
const CONNECTION_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'ESOCKET',
  'EDNS',
]);

/** SMTP replies that say the mailbox does not exist: the address is dead, not just this message refused. */
const HARD_BOUNCES = new Set([550, 551, 553]);

/** SMTP: 5xx replies are permanent (550/551/553 a dead mailbox), 4xx transient, as are connection problems. */
export function smtpFailure(error: unknown): SendOutcome {
  const e = error as { responseCode?: number; code?: string; message?: string; response?: string };
  const reason = e.response ?? e.message ?? String(error);
  if (typeof e.responseCode === 'number') {
    const code = `smtp-${e.responseCode}`;
    if (HARD_BOUNCES.has(e.responseCode)) return failed('hard-bounce', code, reason);
    return failed(e.responseCode >= 500 ? 'rejected' : 'transient', code, reason);
  }
  if (e.code && CONNECTION_CODES.has(e.code)) return failed('transient', e.code, reason);
  if (e.code === 'EENVELOPE') return failed('invalid-address', e.code, reason);
  return failed('transient', e.code ?? 'unknown', reason);
}

/** The mail as nodemailer takes it: HTML and text, one List-Unsubscribe with One-Click, the ledger's Message-ID. */
export function mailOptions(env: Env, email: Email, messageId: string): SendMailOptions {
  return {
    from: { name: env.SENDER_NAME, address: env.MAIL_FROM },
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
  };
}

export async function dkimOptions(env: Env) {
  const { DKIM_DOMAIN, DKIM_SELECTOR, DKIM_PRIVATE_KEY_FILE } = env;
  return DKIM_DOMAIN && DKIM_SELECTOR && DKIM_PRIVATE_KEY_FILE
    ? {
        domainName: DKIM_DOMAIN,
        keySelector: DKIM_SELECTOR,
        privateKey: await readFile(DKIM_PRIVATE_KEY_FILE, 'utf8'),
      }
    : undefined;
}

/**
 * Email over SMTP with nodemailer's pooled transport (SMTP_URL), one connection for each message a worker may have in
 * flight (EMAIL_CONCURRENCY): a message handed over is on the wire at once, never waiting in the pool's queue.
 */
export class SmtpDriver implements EmailDriver {
  readonly target = 'smtp';
  private transport?: Promise<Transporter>;

  constructor(private readonly env: Env) {}

  private transporter(): Promise<Transporter> {
    this.transport ??= dkimOptions(this.env).then((dkim) =>
      nodemailer.createTransport({
        url: this.env.SMTP_URL,
        pool: true,
        maxConnections: this.env.EMAIL_CONCURRENCY,
        dkim,
      } as never),
    );
    return this.transport;
  }

  async send(email: Email, messageId: string): Promise<SendOutcome> {
    try {
      await (await this.transporter()).sendMail(mailOptions(this.env, email, messageId));
      return { ok: true, providerId: messageId };
    } catch (error) {
      return smtpFailure(error);
    }
  }

  close() {
    void this.transport?.then((t) => t.close());
  }
}
