import type { ParsedMail } from 'mailparser';
import { join, resolve } from 'node:path';
import type { TestApp } from './app.js';
import { runImport, tempFile } from './imports.js';

export const SAMPLES = resolve(import.meta.dirname, '../data-samples');
export const PUBLIC = 'https://kampagne.example.org';

/** Consent states by i % 5: email+SMS confirmed, email confirmed, email requested, email withdrawn, nothing. */
export function waveContacts(count: number, prefix = 'w'): string {
  const lines = [
    'external_id,first_name,email,phone,region,language,email_consent,sms_consent,email_confirmed_at,sms_confirmed_at,consent_ip',
  ];
  for (let i = 0; i < count; i++) {
    const state = i % 5;
    const email = state === 0 || state === 1 ? 'ja' : state === 2 ? 'ja' : state === 3 ? 'nein' : '';
    const confirmed = state <= 1 ? '2026-01-05T10:00:00Z' : '';
    lines.push(
      [
        `${prefix}${i}`,
        `Name${i}`,
        `${prefix}${i}@example.org`,
        `+49151${String(30000000 + i)}`,
        (i % 24) + 1,
        ['de', 'en', 'tr'][i % 3],
        email,
        state === 0 ? 'ja' : '',
        confirmed,
        state === 0 ? '2026-01-05T10:00:00Z' : '',
        state <= 1 ? '192.0.2.7' : '',
      ].join(','),
    );
  }
  return lines.join('\n') + '\n';
}

const SAMPLE_FILES = {
  regions: 'regions.csv',
  postcodes: 'postcodes.csv',
  geometry: 'geometry.geojson',
  contacts: 'contacts.csv',
} as const;

/** Imports the sample files of these kinds from data-samples/, in this order; each import must complete. */
export async function importSamples(t: TestApp, ...kinds: (keyof typeof SAMPLE_FILES)[]) {
  for (const kind of kinds) {
    const job = await runImport(t.db.dataSource, kind, join(SAMPLES, SAMPLE_FILES[kind]));
    if (job.status !== 'completed')
      throw new Error(`sample ${kind}: ${job.status} ${JSON.stringify(job.errors)}`);
  }
}

export async function loadWaveData(t: TestApp, contacts: number) {
  await runImport(t.db.dataSource, 'regions', join(SAMPLES, 'regions.csv'));
  const job = await runImport(t.db.dataSource, 'contacts', await tempFile(waveContacts(contacts)));
  if (job.rejected) throw new Error(`contacts rejected: ${JSON.stringify(job.errors)}`);
}

export async function waitFor<T>(
  what: () => T | Promise<T>,
  done: (v: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await what();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`timed out waiting; last value ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Campaign mails carry List-Unsubscribe; confirmation requests do not. */
export const isCampaign = (m: ParsedMail) => m.headerLines.some((h) => h.key === 'list-unsubscribe');

export const recipient = (m: ParsedMail) =>
  (Array.isArray(m.to) ? m.to[0] : m.to)!.value[0].address!.toLowerCase();

export const ledgerId = (m: ParsedMail) => /^<([0-9a-f-]{36})@/.exec(m.messageId ?? '')?.[1];

/** A queued message's ledger row once the dispatcher has dealt with it: sent, failed, skipped, or queued for a retry. */
export async function settled(t: TestApp, messageId: string) {
  return waitFor(
    async () =>
      (
        await t.db.dataSource.query(
          `SELECT status, error_code, provider_id, due_at FROM messages WHERE id = $1`,
          [messageId],
        )
      )[0] as { status: string; error_code: string | null; provider_id: string | null; due_at: Date },
    (r) => r && r.status !== 'sending' && (r.status !== 'queued' || r.error_code !== null),
  );
}

/** A UTC offset whose local hour is `hour` now, as an IANA zone (Etc/GMT signs are inverted). */
export function zoneAt(hour: number): string {
  let offset = (hour - new Date().getUTCHours() + 24) % 24;
  if (offset > 12) offset -= 24;
  return offset === 0 ? 'Etc/UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

/** Creates, as staff, a draft SMS wave for campaign news with the fixed `peace` template. */
export async function peaceSmsWave(t: TestApp, name: string, audience: object = {}): Promise<{ id: string }> {
  const res = await t
    .http()
    .post('/waves')
    .set(t.as('staff'))
    .send({
      name,
      channel: 'sms',
      purpose: 'campaign-news',
      audience,
      templateStrategy: 'fixed',
      templateKey: 'peace',
    })
    .expect(201);
  return res.body as { id: string };
}
