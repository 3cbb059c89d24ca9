import { startTestApp, type TestApp } from './app.js';
import { startFakeTwilio, twilioEnv, type FakeTwilio } from './fake-twilio.js';
import { tempFile } from './imports.js';
import { startSmtp, type TestSmtp } from './smtp.js';
import { waitFor } from './waves.js';

interface Job {
  id: string;
  status: string;
  confirmations: { email: number; sms: number; sent: number } | null;
}

/** People who stated consent without proof of confirmation, some by email, some by SMS, one already confirmed. */
const FILE = [
  'external_id,first_name,email,phone,email_consent,sms_consent,email_confirmed_at,consent_ip',
  'c1,Ada,ada@example.org,,ja,,,',
  'c2,Bea,bea@example.org,+4915150000002,ja,ja,,',
  'c3,Cem,,+4915150000003,,ja,,',
  'c4,Dor,dor@example.org,,ja,,2026-01-10T10:05:00Z,192.0.2.10',
  'c5,Eli,eli@example.org,,nein,,,',
].join('\n');

describe('confirmation requests go out only when staff decide', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let sms: FakeTwilio;
  const staff = () => t.as('staff');

  beforeAll(async () => {
    smtp = await startSmtp();
    sms = await startFakeTwilio();
    t = await startTestApp({ SMTP_URL: smtp.url, ...twilioEnv(sms), QUIET_HOURS_SMS: 'off' });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
    await sms.close();
  });

  async function upload(content: string, fields: Record<string, string> = {}): Promise<Job> {
    const req = t.http().post('/imports').set(staff()).field('kind', 'contacts');
    for (const [k, v] of Object.entries(fields)) void req.field(k, v);
    const started = await req.attach('file', await tempFile(content), 'supporters.csv').expect(202);
    await t.imports.idle();
    return (await t.http().get(`/imports/${started.body.id}`).set(staff()).expect(200)).body as Job;
  }
  const confirmationsSent = async (): Promise<number> =>
    (
      await t.db.dataSource.query(
        `SELECT count(*)::int AS n FROM messages WHERE kind = 'confirmation' AND status <> 'skipped'`,
      )
    )[0].n;

  it('the preview counts the requests, an import sends nothing, and a release sends exactly the ones counted, once', async () => {
    const preview = await t
      .http()
      .post('/imports/preview')
      .set(staff())
      .field('kind', 'contacts')
      .attach('file', await tempFile(FILE), 'supporters.csv')
      .expect(200);
    expect(preview.body.confirmations).toEqual({ email: 2, sms: 2 });

    const job = await upload(FILE);
    expect(job.status).toBe('completed');
    expect(job.confirmations).toEqual({ email: 2, sms: 2, sent: 0 });
    await new Promise((r) => setTimeout(r, 1500));
    expect(smtp.messages).toHaveLength(0);
    expect(sms.sent).toHaveLength(0);
    expect(await confirmationsSent()).toBe(0);

    // The contacts screen finds them as "requested, not yet asked".
    const waiting = await t
      .http()
      .get('/contacts?confirmation=unasked&channel=email')
      .set(staff())
      .expect(200);
    expect(waiting.body.items.map((c: { externalId: string }) => c.externalId).sort()).toEqual(['c1', 'c2']);
    const pending = await t
      .http()
      .get(`/confirmations/pending?importJobId=${job.id}`)
      .set(staff())
      .expect(200);
    expect(pending.body).toEqual({ email: 2, sms: 2 });

    // A count older than the list is refused, and nothing is sent.
    await t
      .http()
      .post('/confirmations/releases')
      .set(staff())
      .send({ importJobId: job.id, expected: 3 })
      .expect(409);
    expect(await confirmationsSent()).toBe(0);

    const released = await t
      .http()
      .post('/confirmations/releases')
      .set(staff())
      .send({ importJobId: job.id, expected: 4 })
      .expect(200);
    expect(released.body.queued).toEqual({ email: 2, sms: 2 });
    await waitFor(
      () => smtp.messages.length + sms.sent.length,
      (n) => n >= 4,
    );
    const progress = await waitFor(
      async () =>
        (await t.http().get(`/confirmations/releases/${released.body.id}`).set(staff()).expect(200)).body,
      (p: { left: number; createdBy: { name: string } }) => p.left === 0,
    );
    expect(progress).toMatchObject({ source: 'import', total: 4, byStatus: { sent: 4 }, secondAsk: false });
    expect(progress.createdBy.name).toBeTruthy();

    // Released again, or imported again: nobody is asked twice.
    await t.http().post('/confirmations/releases').set(staff()).send({}).expect(422);
    const again = await t
      .http()
      .post('/confirmations/releases')
      .set(staff())
      .send({ expected: 0 })
      .expect(200);
    expect(again.body.queued).toEqual({ email: 0, sms: 0 });
    expect((await upload(FILE)).confirmations).toEqual({ email: 0, sms: 0, sent: 0 });
    await new Promise((r) => setTimeout(r, 1000));
    expect(
      smtp.messages
        .map((m) => m.to)
        .flat()
        .map((a) => a?.text)
        .sort(),
    ).toEqual(['ada@example.org', 'bea@example.org']);
    expect(sms.sent.map((s) => s.to).sort()).toEqual(['+4915150000002', '+4915150000003']);

    const audit = await t.db.dataSource.query(
      `SELECT details FROM audit_log WHERE action = 'confirmations.release' ORDER BY id`,
    );
    expect(audit.map((a: { details: { queued: object } }) => a.details.queued)).toEqual([
      { email: 2, sms: 2 },
      { email: 0, sms: 0 },
    ]);
  });

  it('an upload that says so sends its requests with the import', async () => {
    const before = smtp.messages.length;
    const job = await upload('email,email_consent\nfia@example.org,ja\ngus@example.org,ja\n', {
      sendConfirmations: 'true',
    });
    expect(job.confirmations).toEqual({ email: 2, sms: 0, sent: 2 });
    await waitFor(
      () => smtp.messages.length - before,
      (n) => n >= 2,
    );
    await t
      .http()
      .post('/imports')
      .set(staff())
      .field('kind', 'contacts')
      .field('sendConfirmations', 'maybe')
      .attach('file', await tempFile('email,email_consent\nhal@example.org,ja\n'), 'x.csv')
      .expect(422);
  });
});
