import { randomUUID } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { outboxDir, type Env } from '../../config/config.js';
import type { SendOutcome, SmsDriver } from '../delivery.js';

/**
 * SMS as JSON lines in the outbox's sms.jsonl: the embedded default, with no provider. Each message is one
 * complete line written by a single append, so lines of concurrent senders never interleave.
 */
export class SmsOutboxDriver implements SmsDriver {
  constructor(private readonly env: Env) {}

  get target() {
    return `outbox ${join(outboxDir(this.env), 'sms.jsonl')}`;
  }

  async send(to: string, body: string): Promise<SendOutcome> {
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
