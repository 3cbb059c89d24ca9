import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startTestApp, type TestApp } from './app.js';
import { startSmtp, type TestSmtp } from './smtp.js';
import { isCampaign, loadWaveData, PUBLIC, recipient, waitFor } from './waves.js';

const CLI = resolve(import.meta.dirname, '../dist/cli.js');
const CONCURRENCY = 5;

describe('a worker killed with SIGKILL mid-wave', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp({
      SMTP_URL: smtp.url,
      PUBLIC_URL: PUBLIC,
      DISPATCH_IN_API: 'false',
      FREQUENCY_CAP: 'off',
    });
    await loadWaveData(t, 600);
  });
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
    await t.close();
    await smtp.close();
  });

  async function worker() {
    const child = spawn(process.execPath, [CLI, 'worker', '--name', 'crash-test'], {
      env: {
        ...process.env,
        DATABASE_URL: t.db.url,
        DATA_DIR: await mkdtemp(join(tmpdir(), 'worker-')),
        SMTP_URL: smtp.url,
        PUBLIC_URL: PUBLIC,
        EMAIL_PER_SECOND: '100',
        EMAIL_CONCURRENCY: String(CONCURRENCY),
        FREQUENCY_CAP: 'off',
        LEASE_SECONDS: '5',
        LOG_LEVEL: 'error',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    workers.push(child);
    await once(child.stdout as NodeJS.ReadableStream, 'data');
    return child;
  }

  it('resumes on restart, and every contact ends with exactly one message', async () => {
    const wave = (
      await t
        .http()
        .post('/waves')
        .set({ Authorization: `Bearer ${t.tokens.staff}` })
        .send({
          name: 'crash',
          channel: 'email',
          purpose: 'campaign-news',
          audience: {},
          templateStrategy: 'fixed',
          templateKey: 'housing',
        })
        .expect(201)
    ).body as { id: string };
    await t
      .http()
      .post(`/waves/${wave.id}/launch`)
      .set({ Authorization: `Bearer ${t.tokens.staff}` })
      .expect(200);

    const first = await worker();
    await waitFor(
      () => smtp.messages.filter(isCampaign).length,
      (n) => n >= 60,
    );
    first.kill('SIGKILL');
    await once(first, 'exit');
    const atCrash: { status: string; n: number }[] = await t.db.dataSource.query(
      `SELECT status, count(*)::int AS n FROM messages WHERE wave_id = $1 GROUP BY status`,
      [wave.id],
    );
    expect(atCrash.find((s) => s.status === 'queued')?.n).toBeGreaterThan(0);

    const second = await worker();
    await waitFor(
      async () =>
        (await t.db.dataSource.query(`SELECT status FROM waves WHERE id = $1`, [wave.id]))[0]
          .status as string,
      (s) => s === 'completed',
    );
    second.kill('SIGTERM');
    await once(second, 'exit');

    const rows: { email: string; status: string; error_code: string | null }[] = await t.db.dataSource.query(
      `SELECT c.email, m.status, m.error_code FROM messages m JOIN contacts c ON c.id = m.contact_id
       WHERE m.wave_id = $1 AND m.status <> 'skipped'`,
      [wave.id],
    );
    expect(rows).toHaveLength(240);
    const received = smtp.messages.filter(isCampaign).map(recipient);
    // Nobody got it twice.
    expect(new Set(received).size).toBe(received.length);
    const sent = rows.filter((r) => r.status === 'sent').map((r) => r.email);
    const ambiguous = rows.filter((r) => r.error_code === 'ambiguous').map((r) => r.email);
    expect(sent.length + ambiguous.length).toBe(240);
    // The ambiguous window: at most the messages in flight when the worker died, and nothing else is unaccounted.
    expect(ambiguous.length).toBeLessThanOrEqual(CONCURRENCY);
    for (const email of sent) expect(received).toContain(email);
    for (const email of received) expect([...sent, ...ambiguous]).toContain(email);
  });
});
