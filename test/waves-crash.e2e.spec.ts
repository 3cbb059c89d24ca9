import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startTestApp, type TestApp } from './app.js';
import { startSmtp, type TestSmtp } from './smtp.js';
import { isCampaign, ledgerId, loadWaveData, PUBLIC, waitFor } from './waves.js';

const CLI = resolve(import.meta.dirname, '../dist/cli.js');
const CONCURRENCY = 10;
const NAME = 'crash-test';
/** Contacts; two in five may get email (see waveContacts), one in three of those speaks German. */
const CONTACTS = 2400;
const KILLS = 6;

describe('a worker killed with SIGKILL', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  const workers: ChildProcess[] = [];
  const as = { Authorization: '' };

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp({
      SMTP_URL: smtp.url,
      PUBLIC_URL: PUBLIC,
      DISPATCH_IN_API: 'false',
      FREQUENCY_CAP: 'off',
    });
    as.Authorization = `Bearer ${t.tokens.staff}`;
    await loadWaveData(t, CONTACTS);
  });
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
    await t.close();
    await smtp.close();
  });

  let started = 0;
  /** A worker process named NAME; resolves once it runs. */
  async function worker() {
    // Its database connections carry this name, so that we can tell when the server has finished with them.
    const connections = `${NAME}-${++started}`;
    const child = spawn(process.execPath, [CLI, 'worker', '--name', NAME], {
      env: {
        ...process.env,
        DATABASE_URL: t.db.url,
        DATA_DIR: await mkdtemp(join(tmpdir(), 'worker-')),
        SMTP_URL: smtp.url,
        PUBLIC_URL: PUBLIC,
        EMAIL_PER_SECOND: '0',
        EMAIL_CONCURRENCY: String(CONCURRENCY),
        FREQUENCY_CAP: 'off',
        // Longer than any run here: a restarted worker takes back its own rows at once, by its name.
        LEASE_SECONDS: '120',
        LOG_LEVEL: 'error',
        PGAPPNAME: connections,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    workers.push(child);
    await once(child.stdout as NodeJS.ReadableStream, 'data');
    return { child, connections };
  }

  /**
   * Kills a worker and waits until the database has finished with its connections: a statement it sent just before
   * still commits or rolls back, and only then is the ledger as the worker left it.
   */
  async function kill({ child, connections }: Awaited<ReturnType<typeof worker>>) {
    child.kill('SIGKILL');
    await once(child, 'exit');
    await waitFor(
      async () =>
        (
          await t.db.dataSource.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1`,
            [connections],
          )
        )[0].n as number,
      (n) => n === 0,
    );
  }

  async function launchedWave(name: string, audience: object = {}) {
    const wave = (
      await t
        .http()
        .post('/waves')
        .set(as)
        .send({
          name,
          channel: 'email',
          purpose: 'campaign-news',
          audience,
          templateStrategy: 'fixed',
          templateKey: 'housing',
        })
        .expect(201)
    ).body as { id: string };
    await t.http().post(`/waves/${wave.id}/launch`).set(as).expect(200);
    return wave.id;
  }

  const completed = (waveId: string, timeoutMs = 30_000) =>
    waitFor(
      async () =>
        (await t.db.dataSource.query(`SELECT status FROM waves WHERE id = $1`, [waveId]))[0].status as string,
      (s) => s === 'completed',
      timeoutMs,
    );

  type Row = {
    id: string;
    status: string;
    error_code: string | null;
    attempts: number;
    address: string | null;
  };
  const ledger = async (waveId: string): Promise<Row[]> =>
    t.db.dataSource.query(
      `SELECT id, status, error_code, attempts, address FROM messages WHERE wave_id = $1 AND status <> 'skipped' ORDER BY id`,
      [waveId],
    );

  /** How many times the SMTP server received each of these ledger rows. */
  function receivedTimes(ids: Iterable<string>): Map<string, number> {
    const times = new Map([...ids].map((id) => [id, 0]));
    for (const mail of smtp.messages.filter(isCampaign)) {
      const id = ledgerId(mail)!;
      if (times.has(id)) times.set(id, times.get(id)! + 1);
    }
    return times;
  }

  it('sends the rows it had claimed but not handed over once after a restart; those handed over are ambiguous', async () => {
    const waveId = await launchedWave('claimed', { languages: ['de'] });
    const other = await launchedWave('cancelled', { languages: ['de'] });
    const queued = await ledger(waveId);
    expect(queued.length).toBeGreaterThan(10);
    // What a worker leaves when it is killed: its rows `sending` under its lease, as the claim wrote them (one more
    // attempt, the address), some of them with their hand-over begun. And rows of another worker that is gone.
    const claim = async (ids: string[], by: string, lease: string, begun: boolean) =>
      t.db.dataSource.query(
        `UPDATE messages m SET status = 'sending', claimed_by = $2, lease_until = now() + $3::interval,
           attempts = attempts + 1, address = (SELECT email FROM contacts c WHERE c.id = m.contact_id),
           handed_over_at = CASE WHEN $4 THEN now() END
         WHERE id = ANY($1)`,
        [ids, by, lease, begun],
      );
    const ids = queued.map((r) => r.id);
    const notBegun = ids.slice(0, 5);
    const begun = ids[5];
    const goneNotBegun = ids[6];
    const goneBegun = ids[7];
    await claim(notBegun, NAME, '1 hour', false);
    await claim([begun], NAME, '1 hour', true);
    await claim([goneNotBegun], 'gone-worker', '-1 second', false);
    await claim([goneBegun], 'gone-worker', '-1 second', true);
    // A claimed row of a wave cancelled since: it can no longer go out.
    const [cancelledRow] = (await ledger(other)).map((r) => r.id);
    await claim([cancelledRow], 'gone-worker', '-1 second', false);
    await t.http().post(`/waves/${other}/cancel`).set(as).expect(200);

    const { child } = await worker();
    await completed(waveId);
    child.kill('SIGTERM');
    await once(child, 'exit');

    const rows = await ledger(waveId);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const times = receivedTimes(ids);
    // The rows whose hand-over had not begun went out, exactly once, as their first attempt.
    for (const id of [...notBegun, goneNotBegun]) {
      expect(byId.get(id)).toMatchObject({ status: 'sent', error_code: null, attempts: 1 });
      expect(times.get(id)).toBe(1);
    }
    // Those whose hand-over had begun may have gone out: failed as ambiguous, never resent.
    for (const id of [begun, goneBegun]) {
      expect(byId.get(id)).toMatchObject({ status: 'failed', error_code: 'ambiguous' });
      expect(times.get(id)).toBe(0);
    }
    expect(rows.filter((r) => r.error_code === 'ambiguous')).toHaveLength(2);
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(rows.length - 2);
    expect([...times.values()].filter((n) => n !== 1)).toHaveLength(2);

    const cancelled = await t.db.dataSource.query(`SELECT status, error_code FROM messages WHERE id = $1`, [
      cancelledRow,
    ]);
    expect(cancelled).toEqual([{ status: 'skipped', error_code: 'cancelled' }]);
    expect(receivedTimes([cancelledRow]).get(cancelledRow)).toBe(0);
  });

  it(`loses only the messages in flight at each of ${KILLS} kills, and sends nothing twice`, async () => {
    const waveId = await launchedWave('crash');
    const total = (await ledger(waveId)).length;
    expect(total).toBe((CONTACTS * 2) / 5);
    const campaign = () => smtp.messages.filter(isCampaign).length;
    const recipientsBefore = smtp.recipients.length;

    /** Per kill: the rows left `sending`, with their hand-over begun or not. */
    const kills: { begun: string[]; notBegun: string[] }[] = [];
    for (let k = 0; k < KILLS; k++) {
      const running = await worker();
      const from = campaign();
      // At a different point of the pipeline each time.
      await waitFor(campaign, (n) => n >= from + 30 + Math.floor(Math.random() * 60));
      await kill(running);
      const left: { id: string; begun: boolean }[] = await t.db.dataSource.query(
        `SELECT id, handed_over_at IS NOT NULL AS begun FROM messages WHERE wave_id = $1 AND status = 'sending'`,
        [waveId],
      );
      // A worker holds at most its concurrency.
      expect(left.length).toBeLessThanOrEqual(CONCURRENCY);
      kills.push({
        begun: left.filter((r) => r.begun).map((r) => r.id),
        notBegun: left.filter((r) => !r.begun).map((r) => r.id),
      });
    }
    const queuedAtLastKill: { n: number }[] = await t.db.dataSource.query(
      `SELECT count(*)::int AS n FROM messages WHERE wave_id = $1 AND status = 'queued'`,
      [waveId],
    );
    expect(queuedAtLastKill[0].n).toBeGreaterThan(0);

    const { child: last } = await worker();
    await completed(waveId, 60_000);
    last.kill('SIGTERM');
    await once(last, 'exit');

    const rows = await ledger(waveId);
    const times = receivedTimes(rows.map((r) => r.id));
    const inFlight = new Set(kills.flatMap((k) => k.begun));
    const claimedOnly = kills.flatMap((k) => k.notBegun);
    const ambiguous = rows.filter((r) => r.error_code === 'ambiguous');
    // Each contact has one row in this wave: its address named to the server since the wave began is that row's.
    const named = new Set(smtp.recipients.slice(recipientsBefore));
    const counts = {
      kills: KILLS,
      messages: total,
      received: [...times.values()].reduce((s, n) => s + n, 0),
      duplicates: [...times.values()].filter((n) => n > 1).length,
      ambiguous: ambiguous.length,
      ambiguousPerKill: kills.map((k) => k.begun.length),
      /** Whose recipient the server was given (RCPT TO): the hand-over had reached it. */
      ambiguousAtServer: ambiguous.filter((r) => named.has(r.address!.toLowerCase())).length,
      /** Which the server received whole. */
      ambiguousReceived: ambiguous.filter((r) => times.get(r.id)! > 0).length,
      claimedNotHandedOver: claimedOnly.length,
    };
    console.log(`crash test: ${JSON.stringify(counts)}`);

    expect(counts.duplicates).toBe(0);
    // Ambiguous are exactly the rows whose hand-over had begun when a worker was killed, at most its concurrency.
    expect(new Set(ambiguous.map((r) => r.id))).toEqual(inFlight);
    for (const k of kills) expect(k.begun.length).toBeLessThanOrEqual(CONCURRENCY);
    // Every other message went out exactly once, those claimed but not handed over at a kill too.
    for (const r of rows.filter((r) => !inFlight.has(r.id))) {
      expect(r.status).toBe('sent');
      expect(times.get(r.id)).toBe(1);
    }
    for (const id of claimedOnly) expect(times.get(id)).toBe(1);
  }, 180_000);
});
