import { ConsentService } from '../src/consent/consent.service.js';
import { startTestApp, type TestApp } from './app.js';
import { startFakeTwilio, twilioWebhook, type FakeTwilio, twilioEnv } from './fake-twilio.js';
import { startSmtp, type TestSmtp } from './smtp.js';
import { isCampaign, ledgerId, loadWaveData, PUBLIC, recipient, waitFor } from './waves.js';

const N = 300;

describe('waves', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let sms: FakeTwilio;
  const as = (role: 'staff' | 'strategist') => t.as(role);
  let runId: string;
  let segmentIds: string[];

  beforeAll(async () => {
    smtp = await startSmtp();
    sms = await startFakeTwilio();
    t = await startTestApp({
      SMTP_URL: smtp.url,
      ...twilioEnv(sms),
      EMAIL_PER_SECOND: '0',
      SMS_PER_SECOND: '40',
      QUIET_HOURS_SMS: 'off',
      FREQUENCY_CAP: 'off',
      RETRY_BASE_SECONDS: '1',
    });
    await loadWaveData(t, N);
    const run = (
      await t.http().post('/segmentations').set(as('strategist')).send({ k: '3', seed: 1 }).expect(201)
    ).body;
    runId = run.id;
    segmentIds = run.segments.map((s: { id: string }) => s.id);
    const matrix = (await t.http().get(`/segmentations/${runId}/matches`).set(as('strategist')).expect(200))
      .body;
    for (const s of matrix.segments)
      await t
        .http()
        .put(`/segmentations/${runId}/matches/${s.segmentId}`)
        .set(as('strategist'))
        // Where there is no clear match, the strategist chooses the best-scoring template by hand.
        .send({ templateKey: s.proposed ?? s.ranked[0].template })
        .expect(200);
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
    await sms.close();
  });

  const createWave = async (body: object) =>
    (
      await t
        .http()
        .post('/waves')
        .set(as('staff'))
        .send({ purpose: 'campaign-news', ...body })
        .expect(201)
    ).body as { id: string };
  /** A wave to every contact who may get it, with one fixed template. */
  const fixedWave = (name: string, channel: 'email' | 'sms', templateKey: string, more: object = {}) =>
    createWave({ name, channel, audience: {}, templateStrategy: 'fixed', templateKey, ...more });
  const launch = (id: string) => t.http().post(`/waves/${id}/launch`).set(as('staff')).expect(200);
  const finished = (id: string) =>
    waitFor(
      async () => (await t.http().get(`/waves/${id}`).set(as('staff')).expect(200)).body,
      (w: { status: string }) => w.status === 'completed',
    );
  const ledger = (id: string) =>
    t.db.dataSource.query<
      {
        id: string;
        contact_id: string;
        email: string;
        phone: string;
        language: string;
        status: string;
        error_code: string | null;
        template_key: string;
        segment_id: string;
        attempts: number;
        region: string;
      }[]
    >(
      `SELECT m.id, m.contact_id, c.email, c.phone, m.language, m.status, m.error_code, m.template_key, m.segment_id,
         m.attempts, r.name AS region
       FROM messages m JOIN contacts c ON c.id = m.contact_id LEFT JOIN regions r ON r.id = c.region_id
       WHERE m.wave_id = $1`,
      [id],
    );
  const emailConfirmed = (i: number) => i % 5 <= 1;

  it('an email wave: preview, launch, exactly the confirmed contacts get the approved template in their language', async () => {
    const wave = await createWave({
      name: 'Herbst',
      channel: 'email',
      audience: { runId, segmentIds },
      templateStrategy: 'approved',
    });
    const preview = (await t.http().post(`/waves/${wave.id}/preview`).set(as('strategist')).expect(200)).body;
    expect(preview.audience).toBe(N);
    expect(
      Object.fromEntries(
        preview.steps.map((s: { reason: string; excluded: number }) => [s.reason, s.excluded]),
      ),
    ).toEqual({
      'no-consent': 60,
      requested: 60,
      withdrawn: 60,
      'no-address': 0,
      suppressed: 0,
      'frequency-cap': 0,
      'duplicate-address': 0,
      'no-clear-match': 0,
      'no-template': 0,
    });
    expect(preview.final).toBe(120);
    expect(preview.groups.reduce((s: number, g: { count: number }) => s + g.count, 0)).toBe(120);
    expect(new Set(preview.groups.map((g: { language: string }) => g.language))).toEqual(
      new Set(['de', 'en']),
    );
    expect(preview.samples.length).toBeGreaterThan(0);
    expect(preview.samples[0].subject).toEqual(expect.any(String));
    // Samples are written for a made-up person, not for one of the contacts (whose first names are NameN).
    const asStrategist = (await t.http().post(`/waves/${wave.id}/preview`).set(as('strategist')).expect(200))
      .body;
    expect(JSON.stringify(asStrategist.samples)).not.toMatch(/Name\d/);
    expect(JSON.stringify(asStrategist.samples)).toMatch(/Erika|Alex/);
    await t.http().post(`/waves/${wave.id}/launch`).set(as('strategist')).expect(403);

    await launch(wave.id);
    await finished(wave.id);
    const rows = await ledger(wave.id);
    expect(rows).toHaveLength(N);
    const campaign = smtp.messages.filter(isCampaign).filter((m) => rows.some((r) => r.id === ledgerId(m)));
    const expected = Array.from({ length: N }, (_, i) => i)
      .filter(emailConfirmed)
      .map((i) => `w${i}@example.org`)
      .sort();
    expect(campaign.map(recipient).sort()).toEqual(expected);
    const approved: { segment_id: string; template_key: string }[] = await t.db.dataSource.query(
      `SELECT segment_id, template_key FROM segment_matches WHERE segment_id = ANY($1)`,
      [segmentIds],
    );
    const templates: { key: string; content: Record<string, { subject: string }> }[] =
      await t.db.dataSource.query(`SELECT key, content FROM issue_templates`);
    for (const mail of campaign) {
      const row = rows.find((r) => r.id === ledgerId(mail))!;
      const language = row.email.match(/^w(\d+)@/)![1];
      const expectedLanguage = Number(language) % 3 === 0 ? 'de' : 'en';
      expect(row.language).toBe(expectedLanguage);
      expect(mail.headers.get('content-language')).toBe(expectedLanguage);
      const template = approved.find((a) => a.segment_id === row.segment_id)!.template_key;
      expect(row.template_key).toBe(template);
      const subject = templates.find((x) => x.key === template)!.content[expectedLanguage].subject;
      expect(mail.subject).toBe(subject.replace('{{region_name}}', row.region));
    }
    const skipped = rows.filter((r) => r.status === 'skipped');
    expect(skipped).toHaveLength(180);

    // The one-click link in a received message works.
    const mail = campaign[0];
    const header = mail.headerLines.find((h) => h.key === 'list-unsubscribe')!.line;
    const url = /<(https:[^>]+)>/.exec(header)![1];
    await t.http().post(url.replace(PUBLIC, '')).type('form').send('List-Unsubscribe=One-Click').expect(200);
    const contact = rows.find((r) => r.id === ledgerId(mail))!.contact_id;
    expect(await t.app.get(ConsentService).maySend(contact, 'email', 'campaign-news')).toEqual({
      allowed: false,
      reason: 'withdrawn',
    });
  });

  it('an SMS wave with one fixed template reaches exactly the SMS-confirmed numbers', async () => {
    const before = sms.sent.length;
    const wave = await fixedWave('SMS', 'sms', 'transit');
    const preview = (await t.http().post(`/waves/${wave.id}/preview`).set(as('staff')).expect(200)).body;
    expect(preview.final).toBe(60);
    expect(preview.sms).toMatchObject({ pricePerSegment: 0.08, segments: expect.any(Number) });
    expect(preview.sms.estimatedCost).toBeCloseTo(preview.sms.segments * 0.08, 2);
    expect(preview.expectedDurationSeconds).toBe(2);
    await launch(wave.id);
    await finished(wave.id);
    const numbers = sms.sent
      .slice(before)
      .map((s) => s.to)
      .sort();
    const expected = Array.from({ length: N }, (_, i) => i)
      .filter((i) => i % 5 === 0)
      .map((i) => `+49151${30000000 + i}`)
      .sort();
    expect(numbers).toEqual(expected);
  });

  it('a withdrawal committed while the wave is sending stops every later message to that person', async () => {
    const before = sms.sent.length;
    const wave = await fixedWave('mid-wave', 'sms', 'jobs');
    // Held answers keep the wave sending, with no more than the provider's concurrency handed over.
    sms.hold();
    await launch(wave.id);
    await waitFor(
      () => sms.held,
      (n) => n >= 1,
    );
    const waiting: { contact_id: string; phone: string }[] = await t.db.dataSource.query(
      `SELECT m.contact_id, c.phone FROM messages m JOIN contacts c ON c.id = m.contact_id
       WHERE m.wave_id = $1 AND m.status = 'queued' ORDER BY m.id DESC LIMIT 10`,
      [wave.id],
    );
    expect(waiting.length).toBe(10);
    for (const w of waiting)
      await twilioWebhook(t, sms, '/webhooks/twilio/inbound', { From: w.phone, Body: 'STOP' }).expect(200);
    sms.release();
    await finished(wave.id);
    const reached = new Set(sms.sent.slice(before).map((s) => s.to));
    for (const w of waiting) expect(reached.has(w.phone)).toBe(false);
    const rows = await ledger(wave.id);
    expect(
      rows.filter((r) => waiting.some((w) => w.contact_id === r.contact_id)).map((r) => r.error_code),
    ).toEqual(Array(10).fill('withdrawn'));
    expect(reached.size).toBe(50);
  });

  it('SMTP down for a while and a flaky Twilio: everything arrives in the end, nothing twice', async () => {
    const port = Number(new URL(smtp.url).port);
    await smtp.close();
    sms.failEvery = 3;
    const email = await fixedWave('retry mail', 'email', 'health');
    const text = await fixedWave('retry sms', 'sms', 'health');
    const smsBefore = sms.sent.length;
    const { final } = (await t.http().post(`/waves/${email.id}/preview`).set(as('staff')).expect(200)).body;
    await launch(email.id);
    await launch(text.id);
    await waitFor(
      async () => (await ledger(email.id)).filter((r) => r.status === 'queued' && r.error_code).length,
      (n) => n > 0,
    );
    smtp = await startSmtp(port);
    await finished(email.id);
    await finished(text.id);
    sms.failEvery = 0;
    const mails = smtp.messages.filter(isCampaign);
    const rows = await ledger(email.id);
    const sent = rows.filter((r) => r.status === 'sent');
    expect(sent.length).toBe(final);
    expect(mails.map(recipient).sort()).toEqual(sent.map((r) => r.email).sort());
    expect(Math.max(...rows.map((r) => r.attempts))).toBeGreaterThan(1);
    const numbers = sms.sent.slice(smsBefore).map((s) => s.to);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(
      (await ledger(text.id))
        .filter((r) => r.status === 'sent')
        .map((r) => r.phone)
        .sort(),
    ).toEqual([...numbers].sort());
  });

  it('pause, resume and cancel stop the wave at once: only messages already with the provider finish', async () => {
    const before = sms.sent.length;
    const wave = await fixedWave('pause', 'sms', 'pensions');
    const inFlight = async () =>
      (
        await t.db.dataSource.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM messages WHERE wave_id = $1 AND status = 'sending'`,
          [wave.id],
        )
      )[0].n;
    /** Answers what the provider holds, waits for it to be recorded, then checks that nothing more goes out. */
    const settled = async () => {
      sms.release();
      await waitFor(inFlight, (n) => n === 0);
      const sent = sms.sent.length;
      await new Promise((r) => setTimeout(r, 1000));
      expect(sms.sent.length).toBe(sent);
      expect(await inFlight()).toBe(0);
      return sent;
    };
    sms.hold();
    await launch(wave.id);
    await waitFor(
      () => sms.held,
      (n) => n >= 1,
    );
    await t.http().post(`/waves/${wave.id}/pause`).set(as('staff')).expect(200);
    const paused = await settled();
    expect(paused - before).toBeGreaterThan(0);
    expect(paused - before).toBeLessThanOrEqual(10); // SMS_CONCURRENCY
    const left = await t.db.dataSource.query(
      `SELECT count(*)::int AS n FROM messages WHERE wave_id = $1 AND status = 'queued'`,
      [wave.id],
    );
    expect(left[0].n).toBe(50 - (paused - before));

    sms.hold();
    await t.http().post(`/waves/${wave.id}/resume`).set(as('staff')).expect(200);
    await waitFor(
      () => sms.held,
      (n) => n >= 1,
    );
    await t.http().post(`/waves/${wave.id}/cancel`).set(as('staff')).expect(200);
    const cancelled = await settled();
    expect(cancelled - paused).toBeGreaterThan(0);
    expect(cancelled - paused).toBeLessThanOrEqual(10);
    const status = (await t.http().get(`/waves/${wave.id}`).set(as('staff')).expect(200)).body;
    expect(status.status).toBe('cancelled');
    expect(status.progress.byStatus.skipped).toBeGreaterThan(0);
    const unsent = (await ledger(wave.id)).filter((r) => r.error_code === 'cancelled');
    expect(unsent.length).toBe(50 - (cancelled - before));
    const listed = (
      await t.http().get(`/waves/${wave.id}/messages?status=sent&perPage=5`).set(as('staff')).expect(200)
    ).body;
    expect(listed.total).toBe(cancelled - before);
    expect(listed.items).toHaveLength(5);
  });

  it('a scheduled wave slow to start holds up no wave already sending', async () => {
    const later = await fixedWave('later', 'email', 'jobs', {
      scheduledAt: new Date(Date.now() + 500).toISOString(),
    });
    await launch(later.id);
    // Starting it waits for this lock, as it would wait while writing a ledger of a million rows.
    const blocker = t.db.dataSource.createQueryRunner();
    await blocker.startTransaction();
    try {
      await blocker.query(`SELECT 1 FROM waves WHERE id = $1 FOR UPDATE`, [later.id]);
      await waitFor(
        async () =>
          (
            await t.db.dataSource.query<{ n: number }[]>(
              `SELECT count(*)::int AS n FROM pg_stat_activity
               WHERE wait_event_type = 'Lock' AND query LIKE 'SELECT "Wave"."id" AS "Wave_id"%'`,
            )
          )[0].n,
        (n) => n === 1,
      );
      const before = sms.sent.length;
      const now = await fixedWave('now', 'sms', 'jobs');
      const { final } = (await t.http().post(`/waves/${now.id}/preview`).set(as('staff')).expect(200)).body;
      await launch(now.id);
      await waitFor(
        () => sms.sent.length - before,
        (n) => n === final,
      );
    } finally {
      await blocker.rollbackTransaction();
      await blocker.release();
    }
    expect((await finished(later.id)).status).toBe('completed');
  });

  it('validates a wave and its state changes', async () => {
    const res = await t
      .http()
      .post('/waves')
      .set(as('staff'))
      .send({
        name: 'x',
        channel: 'email',
        purpose: 'astrology',
        audience: { segmentIds: [segmentIds[0]] },
        templateStrategy: 'fixed',
      })
      .expect(400);
    expect(res.body.details.problems).toEqual([
      'purpose must be one of campaign-news, event-reminders, election-day',
      'audience.segmentIds need audience.runId',
      'templateStrategy "fixed" needs templateKey',
    ]);
    await t.http().post('/waves').set(as('staff')).send({ channel: 'fax' }).expect(422);
    const wave = await fixedWave('states', 'email', 'peace');
    await t.http().post(`/waves/${wave.id}/resume`).set(as('staff')).expect(409);
    await t.http().post(`/waves/${wave.id}/cancel`).set(as('staff')).expect(200);
    await t.http().post(`/waves/${wave.id}/launch`).set(as('staff')).expect(409);
  });
});
