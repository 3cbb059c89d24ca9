import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { EmailChannel } from '../src/channels/email.channel.js';
import { SmsOutboxDriver } from '../src/channels/drivers/sms-outbox.js';
import { Env, loadConfig } from '../src/config/config.js';
import { startTestApp, type TestApp } from './app.js';
import { runImport, tempFile } from './imports.js';
import { settled } from './waves.js';

describe('with no SMTP or Twilio configured', () => {
  let t: TestApp;
  let outbox: string;
  beforeAll(async () => {
    t = await startTestApp({ PUBLIC_REQUESTS_PER_MINUTE: '5', QUIET_HOURS_SMS: 'off' });
    outbox = join(t.app.get(Env).DATA_DIR, 'outbox');
  });
  afterAll(() => t.close());

  it('writes emails as .eml files (one List-Unsubscribe, with One-Click) and SMS as JSON lines', async () => {
    await runImport(
      t.db.dataSource,
      'contacts',
      await tempFile(
        'email,phone,language,email_consent,sms_consent,email_confirmed_at,sms_confirmed_at,consent_ip\n' +
          'demo@example.org,+4915100001111,en,yes,yes,2026-01-01T10:00:00Z,2026-01-01T10:00:00Z,192.0.2.1\n',
      ),
    );
    const [{ id }] = await t.db.dataSource.query(`SELECT id FROM contacts`);
    for (const channel of ['email', 'sms']) {
      const res = await t
        .http()
        .post(`/contacts/${id}/messages`)
        .set(t.as('staff'))
        .send({ channel, purpose: 'campaign-news', template: 'climate' })
        .expect(201);
      expect(res.body).toMatchObject({ queued: true });
      expect((await settled(t, res.body.messageId)).status).toBe('sent');
    }
    const files = (await readdir(outbox)).filter((f) => f.endsWith('.eml'));
    expect(files).toHaveLength(1);
    const eml = await readFile(join(outbox, files[0]), 'utf8');
    expect(eml.match(/^List-Unsubscribe:/gm)).toHaveLength(1);
    expect(eml).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    expect(eml).toMatch(/^Message-ID: <[0-9a-f-]{36}@example\.org>$/m);
    expect(eml).toContain('Content-Type: text/html');
    expect(eml).toContain('Content-Type: text/plain');
    const [sms] = (await readFile(join(outbox, 'sms.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(sms).toMatchObject({ to: '+4915100001111', sid: expect.stringMatching(/^LOCAL/) });
  });

  it('never sends an SMS to a landline, even where an SMS consent stands', async () => {
    const header = 'email,phone,sms_consent,sms_confirmed_at\n';
    await runImport(
      t.db.dataSource,
      'contacts',
      await tempFile(header + 'moved@example.org,+4915100002222,yes,2026-01-01T10:00:00Z\n'),
    );
    const moved = await runImport(
      t.db.dataSource,
      'contacts',
      await tempFile(header + 'moved@example.org,030 1234567,,\n'),
    );
    expect(moved.warningList).toEqual([
      { line: 2, column: 'phone', reason: 'a landline: kept, but not used for SMS' },
    ]);
    const [{ id, phone }] = await t.db.dataSource.query(
      `SELECT id, phone FROM contacts WHERE email = 'moved@example.org'`,
    );
    expect(phone).toBe('+49301234567');
    const res = await t
      .http()
      .post(`/contacts/${id}/messages`)
      .set(t.as('staff'))
      .send({ channel: 'sms', purpose: 'campaign-news', template: 'climate' })
      .expect(201);
    expect(res.body).toEqual({ queued: false, reason: 'no-address' });
  });

  it('reports an unreachable SMTP server as a transient failure', async () => {
    const channel = new EmailChannel(loadConfig({ SMTP_URL: 'smtp://127.0.0.1:9', DATA_DIR: '/tmp' }));
    const outcome = await channel.send({ to: 'x@example.org', subject: 's', html: 'h', text: 't' });
    channel.onModuleDestroy();
    expect(outcome).toMatchObject({ ok: false, permanent: false });
  });

  it('refuses webhooks when no Twilio auth token is configured', async () => {
    await t
      .http()
      .post('/webhooks/twilio/inbound')
      .type('form')
      .set('X-Twilio-Signature', 'x')
      .send({ Body: 'STOP' })
      .expect(403);
  });

  it('rate-limits the public pages per address with a plain 429 page', async () => {
    for (let i = 0; i < 5; i++) await t.http().get('/signup').expect(200);
    const limited = await t.http().get('/signup?lang=de').expect(429);
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    expect(limited.text).toContain('Zu viele Anfragen');
  });
});

describe('the embedded outbox under load', () => {
  it('keeps 1,000 emails sent at once as 1,000 files, each one whole message', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'outbox-'));
    const channel = new EmailChannel(loadConfig({ DATA_DIR: dataDir }));
    // Ledger ids are time-ordered: messages queued together share their first digits.
    const ids = Array.from(
      { length: 1000 },
      (_, i) => `0193f2a1-7c00-7000-8000-${String(i).padStart(12, '0')}`,
    );
    const outcomes = await Promise.all(
      ids.map((id, i) =>
        channel.send({
          id,
          to: `p${i}@example.org`,
          subject: `Nachricht ${i}`,
          html: `<p>${i}</p>`,
          text: `${i}`,
        }),
      ),
    );
    channel.onModuleDestroy();
    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
    const dir = join(dataDir, 'outbox');
    const files = (await readdir(dir)).sort();
    expect(files).toHaveLength(1000);
    const seen = new Set<string>();
    for (const file of files) {
      const mail = await simpleParser(await readFile(join(dir, file)));
      const n = Number(mail.subject!.replace('Nachricht ', ''));
      expect(mail.messageId).toBe(`<${ids[n]}@example.org>`);
      expect(file).toBe(`${ids[n]}@example.org.eml`);
      expect(mail.to).toMatchObject({ text: `p${n}@example.org` });
      seen.add(mail.messageId!);
    }
    expect(seen.size).toBe(1000);
  });
});

describe('the embedded SMS outbox under load', () => {
  it('appends 1,000 SMS sent at once as 1,000 whole JSON lines', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'outbox-'));
    const driver = new SmsOutboxDriver(loadConfig({ DATA_DIR: dataDir }));
    const body = 'Bus und Bahn für alle! '.repeat(20);
    await Promise.all(
      Array.from({ length: 1000 }, (_, i) => driver.send(`+49151${String(i).padStart(8, '0')}`, body)),
    );
    const lines = (await readFile(join(dataDir, 'outbox', 'sms.jsonl'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(1000);
    const to = new Set(lines.map((l) => (JSON.parse(l) as { to: string; body: string }).to));
    expect(to.size).toBe(1000);
  });
});
