import twilio from 'twilio';
import { Dispatcher } from '../src/waves/dispatcher.js';
import { startTestApp, type TestApp } from './app.js';
import { startFakeTwilio, twilioWebhook, type FakeTwilio, twilioEnv } from './fake-twilio.js';
import { startSmtp, type TestSmtp } from './smtp.js';
import { loadWaveData, waitFor, peaceSmsWave, PUBLIC } from './waves.js';

const BUSY = ['queued', 'sending'];

describe('delivery: no single answer wedges sending, and status only moves forward', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let sms: FakeTwilio;
  const staff = () => t.as('staff');

  beforeAll(async () => {
    smtp = await startSmtp();
    sms = await startFakeTwilio();
    t = await startTestApp({
      SMTP_URL: smtp.url,
      ...twilioEnv(sms),
      QUIET_HOURS_SMS: 'off',
      FREQUENCY_CAP: 'off',
    });
    await loadWaveData(t, 30);
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
    await sms.close();
  });

  /** Launches an SMS wave to everyone who may get one and waits until none of its messages is queued or sending. */
  async function smsWave(name: string) {
    const wave = await peaceSmsWave(t, name);
    await t.http().post(`/waves/${wave.id}/launch`).set(staff()).expect(200);
    const rows = await waitFor(
      (): Promise<{ status: string; error_code: string | null; provider_id: string | null }[]> =>
        t.db.dataSource.query(
          `SELECT status, error_code, provider_id FROM messages WHERE wave_id = $1 AND status <> 'skipped'`,
          [wave.id],
        ),
      (r) => r.length > 0 && r.every((m) => !BUSY.includes(m.status)),
    );
    const completed = await waitFor(
      async () => (await t.http().get(`/waves/${wave.id}`).set(staff())).body.status,
      (s) => s === 'completed',
    );
    return { rows, completed, waveId: wave.id };
  }

  it('a provider answering the same id for every message: a report changes only the message and consent of its own recipient', async () => {
    const sid = 'SMffffffffffffffffffffffffffffffff';
    sms.fixedSid = sid;
    const { rows, completed, waveId } = await smsWave('same id');
    sms.fixedSid = null;
    expect(completed).toBe('completed');
    expect(rows.length).toBe(6);
    for (const row of rows) expect(row).toEqual({ status: 'sent', error_code: null, provider_id: sid });
    const ledger = async (): Promise<{ contact_id: string; address: string; status: string }[]> =>
      t.db.dataSource.query(
        `SELECT contact_id, address, status FROM messages WHERE wave_id = $1 AND status <> 'skipped' ORDER BY id`,
        [waveId],
      );
    const smsConsent = async (): Promise<Map<string, string>> =>
      new Map(
        (
          await t.db.dataSource.query(
            `SELECT contact_id, string_agg(purpose || '=' || status, ',' ORDER BY purpose) AS s
             FROM consent_current WHERE channel = 'sms' GROUP BY contact_id`,
          )
        ).map((r: { contact_id: string; s: string }) => [r.contact_id, r.s]),
      );
    const before = await smsConsent();
    const [, target] = await ledger();
    // The carrier says this one number opted out; the callback names it in `To`, as Twilio writes it.
    await twilioWebhook(t, sms, '/webhooks/twilio/status', {
      MessageSid: sid,
      MessageStatus: 'failed',
      ErrorCode: '21610',
      To: target.address,
    }).expect(204);
    const after = await ledger();
    expect(after.filter((m) => m.status === 'failed').map((m) => m.contact_id)).toEqual([target.contact_id]);
    const consent = await smsConsent();
    expect(consent.get(target.contact_id)).toMatch(/withdrawn/);
    for (const [contact, state] of before)
      if (contact !== target.contact_id) expect(consent.get(contact)).toBe(state);

    // Without a recipient, or with one none of them has, the report is about no single message: nothing changes.
    for (const To of [undefined, '+4915199999999'])
      await twilioWebhook(t, sms, '/webhooks/twilio/status', {
        MessageSid: sid,
        MessageStatus: 'undelivered',
        ErrorCode: '21610',
        ...(To && { To }),
      }).expect(204);
    expect(await ledger()).toEqual(after);
    expect(await smsConsent()).toEqual(consent);
    const monitor = (await t.http().get(`/waves/${waveId}/progress`).set(staff()).expect(200)).body as {
      reportAnomalies: { kind: string; count: number; meaning: string }[];
    };
    expect(monitor.reportAnomalies).toEqual([
      { kind: 'shared-id', count: 2, meaning: expect.stringContaining('changed nothing') },
    ]);
    const events = await t.db.dataSource.query(
      `SELECT message_id IS NOT NULL AS tied, shared, applied, anomaly FROM message_events
       WHERE provider_id = $1 ORDER BY id`,
      [sid],
    );
    expect(events).toEqual([
      { tied: true, shared: true, applied: true, anomaly: null },
      { tied: false, shared: true, applied: false, anomaly: 'shared-id' },
      { tied: false, shared: true, applied: false, anomaly: 'shared-id' },
    ]);
  });

  it('webhooks take only the form encoding Twilio signs', async () => {
    const body = { MessageSid: 'SM00000000000000000000000000000002', MessageStatus: 'delivered' };
    const signature = twilio.getExpectedTwilioSignature(
      sms.authToken,
      `${PUBLIC}/webhooks/twilio/status`,
      body,
    );
    for (const path of ['status', 'inbound'])
      await t
        .http()
        .post(`/webhooks/twilio/${path}`)
        .set('X-Twilio-Signature', signature)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(body))
        .expect(415);
  });

  it('a provider answering garbage: sending goes on and every message ends in a definite state', async () => {
    sms.garbage = true;
    const { rows, completed } = await smsWave('garbage');
    sms.garbage = false;
    expect(completed).toBe('completed');
    // Five: the test above withdrew one person's SMS consent.
    expect(rows.length).toBe(5);
    for (const row of rows) expect(row).toEqual({ status: 'sent', error_code: null, provider_id: null });
    // And the next wave goes as usual.
    const next = await smsWave('after the garbage');
    expect(next.rows.every((r) => r.status === 'sent' && /^SM[0-9a-f]{32}$/.test(r.provider_id ?? ''))).toBe(
      true,
    );
  });

  describe('status callbacks in any order', () => {
    let n = 0;
    /** A message the provider accepted, with its own provider id, in the given state. */
    async function message(status: string, errorCode: string | null = null) {
      const sid = `SM${String(++n).padStart(32, '0')}`;
      const [{ id }] = await t.db.dataSource.query(
        `INSERT INTO messages (kind, channel, purpose, status, provider_id, error_code, sent_at)
         VALUES ('campaign', 'sms', 'campaign-news', $1, $2, $3, now()) RETURNING id`,
        [status, sid, errorCode],
      );
      return { id, sid };
    }
    const report = (sid: string, status: string, code?: string) =>
      twilioWebhook(t, sms, '/webhooks/twilio/status', {
        MessageSid: sid,
        MessageStatus: status,
        ...(code && { ErrorCode: code }),
      }).expect(204);
    const row = async (id: string) =>
      (await t.db.dataSource.query(`SELECT status, error_code FROM messages WHERE id = $1`, [id]))[0];

    const orders: [string, [string, string?][], { status: string; error_code: string | null }][] = [
      ['sent, delivered', [['sent'], ['delivered']], { status: 'delivered', error_code: null }],
      ['delivered, then a late sent', [['delivered'], ['sent']], { status: 'delivered', error_code: null }],
      [
        'delivered, then a late failure',
        [['delivered'], ['undelivered', '30003']],
        { status: 'delivered', error_code: null },
      ],
      [
        'sent, then a failure',
        [['sent'], ['undelivered', '30003']],
        { status: 'failed', error_code: '30003' },
      ],
      [
        'a failure, then a late sent',
        [['failed', '30008'], ['sent']],
        { status: 'failed', error_code: '30008' },
      ],
      [
        'queued, sent, delivered',
        [['queued'], ['sent'], ['delivered']],
        { status: 'delivered', error_code: null },
      ],
      [
        'delivered, queued, sent',
        [['delivered'], ['queued'], ['sent']],
        { status: 'delivered', error_code: null },
      ],
      [
        'sent, delivered, queued',
        [['sent'], ['delivered'], ['queued']],
        { status: 'delivered', error_code: null },
      ],
    ];
    it.each(orders)('%s', async (_name, reports, expected) => {
      const { id, sid } = await message('sent');
      for (const [status, code] of reports) await report(sid, status, code);
      expect(await row(id)).toEqual(expected);
      const events = await t.db.dataSource.query(
        `SELECT reported FROM message_events WHERE message_id = $1 ORDER BY id`,
        [id],
      );
      expect(events.map((e: { reported: string }) => e.reported)).toEqual(reports.map(([s]) => s));
    });

    /** Every order of a list. */
    const permutations = <T>(items: T[]): T[][] =>
      items.length <= 1
        ? [items]
        : items.flatMap((x, i) =>
            permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [x, ...rest]),
          );

    it('every order of queued, sent, delivered and a late failure ends delivered; without delivered, failed', async () => {
      for (const reports of permutations(['queued', 'sent', 'delivered', 'undelivered'])) {
        const { id, sid } = await message('sent');
        for (const status of reports)
          await report(sid, status, status === 'undelivered' ? '30003' : undefined);
        expect({ reports, ...(await row(id)) }).toEqual({ reports, status: 'delivered', error_code: null });
      }
      for (const reports of permutations(['queued', 'sent', 'undelivered'])) {
        const { id, sid } = await message('sent');
        for (const status of reports)
          await report(sid, status, status === 'undelivered' ? '30003' : undefined);
        expect({ reports, ...(await row(id)) }).toEqual({ reports, status: 'failed', error_code: '30003' });
      }
    });

    it('delivered lifts a message failed as ambiguous', async () => {
      const { id, sid } = await message('failed', 'ambiguous');
      await report(sid, 'sent');
      expect(await row(id)).toEqual({ status: 'failed', error_code: 'ambiguous' });
      await report(sid, 'delivered');
      expect(await row(id)).toEqual({ status: 'delivered', error_code: null });
    });

    it('a report for an unknown id is kept and changes nothing', async () => {
      await report('SM99999999999999999999999999999999', 'delivered');
      const [event] = await t.db.dataSource.query(
        `SELECT message_id, applied FROM message_events WHERE provider_id = 'SM99999999999999999999999999999999'`,
      );
      expect(event).toEqual({ message_id: null, applied: false });
    });
  });
});

describe('DISPATCH_IN_API=false', () => {
  it('the API sends nothing at all: confirmations and single sends wait in the ledger for a worker', async () => {
    const smtp = await startSmtp();
    const sms = await startFakeTwilio();
    const t = await startTestApp({
      SMTP_URL: smtp.url,
      ...twilioEnv(sms),
      QUIET_HOURS_SMS: 'off',
      DISPATCH_IN_API: 'false',
    });
    try {
      await loadWaveData(t, 5);
      const staff = t.as('staff');
      await t
        .http()
        .post('/signup')
        .type('form')
        .send({
          email: 'new@example.org',
          phone: '+4915144440000',
          purposes: 'campaign-news',
          language: 'de',
        })
        .expect(200);
      const [confirmed] = await t.db.dataSource.query(
        `SELECT id FROM contacts WHERE email = 'w0@example.org'`,
      );
      const single = await t
        .http()
        .post(`/contacts/${confirmed.id}/messages`)
        .set(staff)
        .send({ channel: 'email', purpose: 'campaign-news', template: 'housing' })
        .expect(201);
      expect(single.body).toMatchObject({ queued: true });
      await t.imports.idle();
      await new Promise((r) => setTimeout(r, 1500));
      expect(smtp.messages).toHaveLength(0);
      expect(sms.requests).toBe(0);
      const queued = await t.db.dataSource.query(
        `SELECT kind, channel FROM messages WHERE status = 'queued' ORDER BY kind, channel`,
      );
      expect(queued).toEqual([
        { kind: 'campaign', channel: 'email' },
        { kind: 'confirmation', channel: 'email' },
        { kind: 'confirmation', channel: 'sms' },
      ]);
      // A worker (here: the dispatcher of this process, started by hand) sends them.
      t.app.get(Dispatcher).start();
      await smtp.waitFor(2);
      await waitFor(
        () => sms.sent.length,
        (n) => n === 1,
      );
    } finally {
      await t.close();
      await smtp.close();
      await sms.close();
    }
  });
});
