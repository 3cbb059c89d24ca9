import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Role } from '../src/common/roles.js';
import { startTestApp, type TestApp } from './app.js';
import { startFakeTwilio, twilioEnv, twilioWebhook, type FakeTwilio } from './fake-twilio.js';
import { startSmtp, type TestSmtp } from './smtp.js';
import { isCampaign, ledgerId, loadWaveData, PUBLIC, waitFor } from './waves.js';

const CLI = resolve(import.meta.dirname, '../dist/cli.js');
/** Contacts: two in five may get email, one in five SMS (see waveContacts), in 24 regions. */
const CONTACTS = 400;

/** The figures of a group, counted here straight from the ledger. */
const LEDGER_GROUPS_SQL = `SELECT segment_id, template_key AS template, template_version AS version, language,
    count(*)::int AS messages,
    (count(*) FILTER (WHERE sent_at IS NOT NULL))::int AS "handedOver",
    (count(*) FILTER (WHERE status = 'delivered'))::int AS delivered,
    (count(*) FILTER (WHERE status = 'bounced'))::int AS "hardBounces",
    (count(*) FILTER (WHERE status = 'failed' AND error_code ~ '^smtp-4[0-9][0-9]$'))::int AS "softBounces",
    (count(*) FILTER (WHERE status = 'failed' AND error_code !~ '^smtp-4[0-9][0-9]$' OR status = 'failed' AND error_code IS NULL))::int AS failed,
    (count(*) FILTER (WHERE status = 'skipped'))::int AS skipped,
    (count(*) FILTER (WHERE status IN ('queued', 'sending')))::int AS pending
  FROM messages WHERE wave_id = $1 GROUP BY 1, 2, 3, 4`;

type Group = Record<string, unknown> & {
  segment: { id: string; name: string | null } | null;
  suppressed: boolean;
};

describe("a wave's results, counted as the messages change", () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let sms: FakeTwilio;
  let audience: { runId: string; segmentIds: string[] };
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    smtp = await startSmtp();
    sms = await startFakeTwilio();
    t = await startTestApp({
      SMTP_URL: smtp.url,
      ...twilioEnv(sms),
      DISPATCH_IN_API: 'false',
      QUIET_HOURS_SMS: 'off',
      FREQUENCY_CAP: 'off',
    });
    await loadWaveData(t, CONTACTS);
    const run = (
      await t.http().post('/segmentations').set(t.as('strategist')).send({ k: '3', seed: 1 }).expect(201)
    ).body as { id: string; segments: { id: string }[] };
    audience = { runId: run.id, segmentIds: run.segments.map((s) => s.id) };
  });
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
    await t.close();
    await smtp.close();
    await sms.close();
  });

  let started = 0;
  /** A worker process; `emailPerSecond` 0 is unlimited. Resolves once it runs. */
  async function worker(emailPerSecond = 0) {
    const connections = `results-worker-${++started}`;
    const child = spawn(process.execPath, [CLI, 'worker', '--name', 'results-worker'], {
      env: {
        ...process.env,
        ...twilioEnv(sms),
        DATABASE_URL: t.db.url,
        DATA_DIR: await mkdtemp(join(tmpdir(), 'worker-')),
        SMTP_URL: smtp.url,
        PUBLIC_URL: PUBLIC,
        EMAIL_PER_SECOND: String(emailPerSecond),
        EMAIL_CONCURRENCY: '10',
        SMS_PER_SECOND: '0',
        QUIET_HOURS_SMS: 'off',
        FREQUENCY_CAP: 'off',
        // One attempt: a server that keeps deferring a mailbox makes a soft bounce at once.
        SEND_MAX_ATTEMPTS: '1',
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

  async function stop({ child }: { child: ChildProcess }) {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }

  async function launched(body: object) {
    const wave = (
      await t
        .http()
        .post('/waves')
        .set(t.as('staff'))
        .send({ purpose: 'campaign-news', templateStrategy: 'fixed', templateKey: 'housing', ...body })
        .expect(201)
    ).body as { id: string };
    await t.http().post(`/waves/${wave.id}/launch`).set(t.as('staff')).expect(200);
    return wave.id;
  }

  const completed = (waveId: string) =>
    waitFor(
      async () =>
        (await t.db.dataSource.query(`SELECT status FROM waves WHERE id = $1`, [waveId]))[0].status as string,
      (s) => s === 'completed',
      60_000,
    );

  const results = async (waveId: string, role: Role = 'admin') =>
    (await t.http().get(`/waves/${waveId}/results`).set(t.as(role)).expect(200)).body as {
      totals: Record<string, number>;
      groups: Group[];
    };

  const FIGURES = [
    'messages',
    'handedOver',
    'delivered',
    'hardBounces',
    'softBounces',
    'failed',
    'skipped',
    'pending',
  ] as const;
  const keyed = (g: Record<string, unknown>) =>
    JSON.stringify([g.segment_id, g.template, g.version, g.language]);

  /** The results as the API gives them and as a count over the ledger gives them, group by group. */
  async function bothCounts(waveId: string) {
    const ledger: Record<string, unknown>[] = await t.db.dataSource.query(LEDGER_GROUPS_SQL, [waveId]);
    const { groups, totals } = await results(waveId);
    const pick = (g: Record<string, unknown>) =>
      Object.fromEntries(FIGURES.map((f) => [f, g[f] as number])) as Record<(typeof FIGURES)[number], number>;
    const api = Object.fromEntries(
      groups.map((g) => [keyed({ ...g, segment_id: g.segment?.id ?? null }), pick(g)]),
    );
    const counted = Object.fromEntries(ledger.map((g) => [keyed(g), pick(g)]));
    const sum = (f: string) => ledger.reduce((s, g) => s + (g[f] as number), 0);
    return {
      api,
      counted,
      totals: pick(totals),
      countedTotals: Object.fromEntries(FIGURES.map((f) => [f, sum(f)])),
    };
  }

  async function expectCountsMatchLedger(waveId: string) {
    const both = await bothCounts(waveId);
    expect(both.api).toEqual(both.counted);
    expect(both.totals).toEqual(both.countedTotals);
    // The monitor reads the same counters: its figures too equal a count over the ledger.
    const progress = (await t.http().get(`/waves/${waveId}/progress`).set(t.as('staff')).expect(200)).body;
    const byStatus: { status: string; n: number }[] = await t.db.dataSource.query(
      `SELECT status, count(*)::int AS n FROM messages WHERE wave_id = $1 GROUP BY 1`,
      [waveId],
    );
    expect(progress.byStatus).toEqual(Object.fromEntries(byStatus.map((r) => [r.status, r.n])));
    expect(progress.handedOver).toBe(both.countedTotals.handedOver);
    return both;
  }

  let emailWave: string;

  it('an email wave to the SMTP server: per segment, template and language, the results equal a count over the ledger', async () => {
    // Contacts 0, 1, 5, 6, … may get email: one mailbox does not exist, one server keeps deferring another.
    smtp.refuse.set('w0@example.org', 550);
    smtp.refuse.set('w1@example.org', 451);
    emailWave = await launched({ name: 'results email', channel: 'email', audience });
    const running = await worker();
    await completed(emailWave);
    await stop(running);

    const { totals, counted } = await expectCountsMatchLedger(emailWave);
    expect(totals).toMatchObject({ hardBounces: 1, softBounces: 1, pending: 0 });
    expect(totals.messages - totals.skipped).toBe((CONTACTS * 2) / 5);
    expect(totals.handedOver).toBe(smtp.messages.filter(isCampaign).length);
    // Three segments, in more than one language.
    expect(Object.keys(counted).length).toBeGreaterThanOrEqual(6);
    const { groups } = await results(emailWave, 'staff');
    for (const g of groups) {
      expect(g.segment).toEqual({ id: expect.any(String), name: expect.any(String) });
      expect(g).toMatchObject({ template: 'housing', version: 1, clicks: [], optOuts: 0 });
      const rates = g.rates as Record<
        string,
        { count: number; of: number; low: number | null; high: number | null }
      >;
      const bounced = rates.bounced;
      expect(bounced.of).toBe((g.messages as number) - (g.skipped as number));
      // Every rate lies within its interval; a group with nothing sent has neither.
      if (bounced.of === 0) expect(bounced).toMatchObject({ low: null, high: null });
      else {
        expect(bounced.low).toBeLessThanOrEqual(bounced.count / bounced.of);
        expect(bounced.high).toBeGreaterThanOrEqual(bounced.count / bounced.of);
      }
    }
    smtp.refuse.clear();
  });

  it('the campaign view: per segment × issue over the waves of a segmentation, clickers counted by their mails', async () => {
    // A second wave to the same segments, on another issue, with a link in each language.
    const link = { de: 'https://mieten.example.org/de', en: 'https://rent.example.org/en' };
    const content = (lang: 'de' | 'en') => ({
      subject: 'Miete',
      html: `<p><a href="${link[lang]}">Mieten</a></p><a href="{{opt_out_link}}">Abmelden</a>`,
      text: `Mieten: ${link[lang]} Abmelden: {{opt_out_link}}`,
      sms: `Mieten: ${link[lang]}`,
    });
    await t
      .http()
      .post('/templates')
      .set(t.as('strategist'))
      .send({
        key: 'rent-links',
        name: { de: 'Miete', en: 'Rent' },
        weights: { density_per_km2: 0.1 },
        reasoning: 'Rents rise fastest where people live closest together.',
        content: { de: content('de'), en: content('en') },
      })
      .expect(201);
    const rentWave = await launched({
      name: 'results rent',
      channel: 'email',
      audience,
      templateKey: 'rent-links',
    });
    const running = await worker();
    await completed(rentWave);
    await stop(running);

    // Two mails of one segment follow their link, one of them twice: two clickers.
    const [segment] = audience.segmentIds;
    const rows: { id: string }[] = await t.db.dataSource.query(
      `SELECT id FROM messages WHERE wave_id = $1 AND sent_at IS NOT NULL AND segment_id = $2`,
      [rentWave, segment],
    );
    const mails = smtp.messages.filter(isCampaign).filter((m) => rows.some((r) => r.id === ledgerId(m)));
    const [first, second] = mails.map((m) => /https?:\/\/[^"'\s]+\/l\/[\w-]+/.exec(m.html as string)![0]);
    for (const url of [first, first, second]) await t.http().get(url.slice(PUBLIC.length)).expect(302);

    const view = (role: Role) =>
      t.http().get(`/segmentations/${audience.runId}/results`).set(t.as(role)).expect(200);
    const { body } = await view('staff');
    expect(body.segments.map((s: { id: string }) => s.id).sort()).toEqual([...audience.segmentIds].sort());
    expect(body.waves.map((w: { name: string }) => w.name)).toEqual(['results email', 'results rent']);
    expect(body.cells).toHaveLength(audience.segmentIds.length * 2);
    // Each cell is its wave's groups of that segment, over versions and languages.
    for (const [waveId, template] of [
      [emailWave, 'housing'],
      [rentWave, 'rent-links'],
    ]) {
      const { groups } = await results(waveId, 'staff');
      for (const cell of body.cells.filter((c: { template: string }) => c.template === template)) {
        const own = groups.filter((g) => g.segment?.id === cell.segment.id);
        for (const figure of ['messages', 'handedOver', 'delivered', 'bounced', 'skipped', 'optOuts'])
          expect([figure, cell[figure]]).toEqual([
            figure,
            own.reduce((n, g) => n + (g[figure] as number), 0),
          ]);
        expect(cell).toMatchObject({ merged: null, suppressed: false, waveIds: [waveId] });
        expect(cell.rates.clicked.of).toBe(cell.handedOver);
        expect(cell.clickers).toBe(template === 'rent-links' && cell.segment.id === segment ? 2 : 0);
      }
    }
    // Every cell reaches more than 5 people: a strategist sees the same figures.
    expect((await view('strategist')).body.cells).toEqual(body.cells);
    await t.http().get(`/segmentations/${audience.runId}/results`).expect(401);
    await t.http().get(`/segmentations/not-a-uuid/results`).set(t.as('staff')).expect(400);
    await t.http().get(`/segmentations/${emailWave}/results`).set(t.as('staff')).expect(404);
  });

  it('after a worker killed mid-wave and a restart, the results still equal a count over the ledger', async () => {
    const waveId = await launched({ name: 'results crash', channel: 'email', audience: {} });
    const from = smtp.messages.length;
    const first = await worker(40);
    await waitFor(
      () => smtp.messages.length,
      (n) => n >= from + 30,
    );
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');
    await waitFor(
      async () =>
        (
          await t.db.dataSource.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1`,
            [first.connections],
          )
        )[0].n as number,
      (n) => n === 0,
    );
    // Killed mid-wave: rows left sending, others still queued; the counters agree with that ledger too.
    const midway = await expectCountsMatchLedger(waveId);
    expect(midway.totals.pending).toBeGreaterThan(0);

    const second = await worker();
    await completed(waveId);
    await stop(second);
    const { totals } = await expectCountsMatchLedger(waveId);
    expect(totals.pending).toBe(0);
    // w0's mailbox bounced hard in the first wave: that address lost its consent.
    expect(totals.messages - totals.skipped).toBe((CONTACTS * 2) / 5 - 1);
  });

  it('after signed provider callbacks in any order, the results equal a count over the ledger and the reports', async () => {
    const waveId = await launched({
      name: 'results sms',
      channel: 'sms',
      templateKey: 'peace',
      audience: {},
    });
    const running = await worker();
    await completed(waveId);
    await stop(running);
    const sent: { provider_id: string }[] = await t.db.dataSource.query(
      `SELECT provider_id FROM messages WHERE wave_id = $1 AND status = 'sent' ORDER BY id LIMIT 6`,
      [waveId],
    );
    expect(sent).toHaveLength(6);
    const orders = [
      ['sent', 'delivered'],
      ['delivered', 'sent'],
      ['delivered', 'undelivered', 'queued'],
      ['undelivered', 'sent', 'queued'],
      ['queued', 'failed', 'delivered'],
      ['sent', 'undelivered'],
    ];
    for (const [i, order] of orders.entries())
      for (const status of order)
        await twilioWebhook(t, sms, '/webhooks/twilio/status', {
          MessageSid: sent[i].provider_id,
          MessageStatus: status,
          ...(['undelivered', 'failed'].includes(status) && { ErrorCode: '30003' }),
        }).expect(204);

    const { totals } = await expectCountsMatchLedger(waveId);
    expect(totals.delivered).toBe(4);
    expect(totals.failed).toBeGreaterThanOrEqual(2);
    // Delivered is what the reports say: every message with a delivered report, and no other.
    const [{ n }] = await t.db.dataSource.query(
      `SELECT count(DISTINCT message_id)::int AS n FROM message_events WHERE wave_id = $1 AND status = 'delivered'`,
      [waveId],
    );
    expect(totals.delivered).toBe(n);
  });

  it('a group of fewer than 5 describes a person: strategists see it withheld, staff see its counts', async () => {
    // w0's region: four of its people may get SMS (w0, w120, w240, w360), all in one segment and language.
    const region = (await t.db.dataSource.query(`SELECT region_id FROM contacts WHERE external_id = 'w0'`))[0]
      .region_id as string;
    const waveId = await launched({
      name: 'results small',
      channel: 'sms',
      templateKey: 'peace',
      audience: { ...audience, regionIds: [region] },
    });
    const running = await worker();
    await completed(waveId);
    await stop(running);

    const staff = await results(waveId, 'staff');
    const strategist = await results(waveId, 'strategist');
    const recipients = (g: Group) => (g.messages as number) - (g.skipped as number);
    const small = staff.groups.filter((g) => recipients(g) < 5);
    expect(small.length).toBeGreaterThan(0);
    for (const [i, g] of strategist.groups.entries()) {
      const seen = staff.groups[i];
      expect({ segment: g.segment, template: g.template, language: g.language }).toEqual({
        segment: seen.segment,
        template: seen.template,
        language: seen.language,
      });
      if (recipients(seen) < 5) {
        expect(g).toEqual({
          segment: seen.segment,
          template: seen.template,
          version: seen.version,
          language: seen.language,
          suppressed: true,
        });
      } else expect(g).toEqual(seen);
    }

    const csv = (role: Role) =>
      t
        .http()
        .get(`/waves/${waveId}/results.csv`)
        .set(t.as(role))
        .expect(200)
        .expect('Content-Type', /text\/csv/)
        .then((r) => r.text);
    const lines = (await csv('strategist')).trim().split('\r\n');
    expect(lines).toHaveLength(strategist.groups.length + 1);
    expect(lines.filter((l) => l.includes('fewer than 5'))).toHaveLength(small.length);
    expect((await csv('staff')).includes('fewer than 5')).toBe(false);
  });

  it('the CSV neutralises a cell a spreadsheet would run as a formula', async () => {
    const { groups } = await results(emailWave, 'strategist');
    const segment = groups.find((g) => g.segment)!.segment!;
    await t
      .http()
      .patch(`/segments/${segment.id}`)
      .set(t.as('strategist'))
      .send({ name: '=HYPERLINK("http://example.com","x")' })
      .expect(200);
    const csv = (await t.http().get(`/waves/${emailWave}/results.csv`).set(t.as('strategist')).expect(200))
      .text;
    const rows = csv.trim().split('\r\n');
    expect(rows[0]).toMatch(/^segment,segmentId,template,version,language,messages,handedOver,delivered,/);
    expect(
      rows.some((r) => r.startsWith(`"'=HYPERLINK(""http://example.com"",""x"")",${segment.id},housing,1,`)),
    ).toBe(true);
    expect(rows.every((r) => !/(^|,)[=+\-@]/.test(r))).toBe(true);
  });

  it('answers only staff, strategists and admins, and a malformed id with 400', async () => {
    await t.http().get(`/waves/${emailWave}/results`).expect(401);
    await t.http().get('/waves/not-a-wave/results').set(t.as('staff')).expect(400);
    await t.http().get('/waves/00000000-0000-4000-8000-000000000000/results').set(t.as('staff')).expect(404);
  });
});
