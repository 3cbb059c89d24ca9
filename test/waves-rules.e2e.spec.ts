import { startTestApp, type TestApp } from './app.js';
import { startFakeTwilio, type FakeTwilio, twilioEnv } from './fake-twilio.js';
import { runImport, tempFile } from './imports.js';
import { startSmtp, type TestSmtp } from './smtp.js';
import { settled, waitFor, zoneAt, peaceSmsWave } from './waves.js';

describe('quiet hours, frequency cap and cut-off', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let sms: FakeTwilio;
  const staff = () => t.as('staff');
  /** Contacts `<name>@example.org` with the phone given, email and SMS consent confirmed, by a contacts import. */
  const importConfirmed = async (language: string, people: [string, string][]) =>
    runImport(
      t.db.dataSource,
      'contacts',
      await tempFile(
        [
          'email,phone,language,email_consent,sms_consent,email_confirmed_at,sms_confirmed_at,consent_ip',
          ...people.map(
            ([name, phone]) =>
              `${name}@example.org,${phone},${language},ja,ja,2026-01-05T10:00:00Z,2026-01-05T10:00:00Z,192.0.2.7`,
          ),
        ].join('\n') + '\n',
      ),
    );
  const id = async (email: string): Promise<string> =>
    (await t.db.dataSource.query(`SELECT id FROM contacts WHERE email = $1`, [email]))[0].id;
  const peaceSms = (name: string, audience: object) => peaceSmsWave(t, name, audience);

  beforeAll(async () => {
    smtp = await startSmtp();
    sms = await startFakeTwilio();
    t = await startTestApp({
      SMTP_URL: smtp.url,
      ...twilioEnv(sms),
      QUIET_HOURS_SMS: '21-8',
      FREQUENCY_CAP: '1/7',
    });
    await importConfirmed('de', [
      ['night', '+4915140000001'],
      ['day', '+4915140000002'],
      ['busy', '+4915140000003'],
    ]);
    await t.db.dataSource.query(`UPDATE contacts SET time_zone = $1 WHERE email = 'night@example.org'`, [
      zoneAt(2),
    ]);
    await t.db.dataSource.query(`UPDATE contacts SET time_zone = $1 WHERE email <> 'night@example.org'`, [
      zoneAt(13),
    ]);
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
    await sms.close();
  });

  it('defers an SMS in quiet hours to 08:00 local time and sends it then; the frequency cap excludes', async () => {
    // "busy" already had a message this week.
    const single = await t
      .http()
      .post(`/contacts/${await id('busy@example.org')}/messages`)
      .set(staff())
      .send({ channel: 'email', purpose: 'campaign-news', template: 'peace' })
      .expect(201);
    expect((await settled(t, single.body.messageId)).status).toBe('sent');
    const wave = await peaceSms('rules', {});
    const preview = (await t.http().post(`/waves/${wave.id}/preview`).set(staff()).expect(200)).body;
    expect(preview.steps.find((s: { reason: string }) => s.reason === 'frequency-cap').excluded).toBe(1);
    expect(preview.final).toBe(2);
    await t.http().post(`/waves/${wave.id}/launch`).set(staff()).expect(200);
    await waitFor(
      () => sms.sent.length,
      (n) => n >= 1,
    );
    const night = await id('night@example.org');
    const row = await waitFor(
      async () =>
        (
          await t.db.dataSource.query(
            `SELECT status, due_at, (due_at AT TIME ZONE $2)::text AS local_due FROM messages WHERE wave_id = $1 AND contact_id = $3`,
            [wave.id, zoneAt(2), night],
          )
        )[0] as { status: string; due_at: Date; local_due: string },
      (r) => r.due_at.getTime() > Date.now(),
    );
    expect(row.status).toBe('queued');
    expect(row.local_due).toMatch(/ 08:00:00$/);
    expect(sms.sent.map((s) => s.to)).toEqual(['+4915140000002']);
    const busy = (
      await t.db.dataSource.query(
        `SELECT status, error_code FROM messages WHERE wave_id = $1 AND contact_id = $2`,
        [wave.id, await id('busy@example.org')],
      )
    )[0];
    expect(busy).toEqual({ status: 'skipped', error_code: 'frequency-cap' });

    // Morning comes: the deferred message goes out.
    await t.db.dataSource.query(`UPDATE contacts SET time_zone = $1 WHERE id = $2`, [zoneAt(9), night]);
    await t.db.dataSource.query(`UPDATE messages SET due_at = now() WHERE wave_id = $1 AND contact_id = $2`, [
      wave.id,
      night,
    ]);
    await waitFor(
      () => sms.sent.length,
      (n) => n >= 2,
    );
    expect(sms.sent.map((s) => s.to)).toEqual(['+4915140000002', '+4915140000001']);
  });

  it('a confirmation SMS asked for at 23:00 in the contact’s zone waits until 08:00 there; confirmations are never capped', async () => {
    const zone = zoneAt(23);
    const before = sms.sent.length;
    const job = await runImport(
      t.db.dataSource,
      'contacts',
      await tempFile('phone,language,sms_consent\n+4915140000777,de,ja\n'),
    );
    const [late] = await t.db.dataSource.query(`SELECT id FROM contacts WHERE phone = '+4915140000777'`);
    await t.db.dataSource.query(`UPDATE contacts SET time_zone = $1 WHERE id = $2`, [zone, late.id]);
    // "busy" has had a campaign message this week (the cap is 1): its confirmation still goes.
    const busy = await id('busy@example.org');
    await t.db.dataSource.query(`UPDATE contacts SET time_zone = $1 WHERE id = $2`, [zoneAt(13), busy]);
    await t
      .http()
      .post(`/contacts/${busy}/consent`)
      .set(t.as('admin'))
      .send({ channel: 'sms', purposes: ['election-day'], action: 'requested', evidence: 'call 2026-11' })
      .expect(201);
    const asked = await t.http().post(`/contacts/${busy}/confirmation`).set(staff()).send({ channel: 'sms' });
    expect(asked.body).toMatchObject({ queued: true, status: 'queued' });
    expect((await settled(t, asked.body.messageId)).status).toBe('sent');
    // Staff ask the imported person to confirm; the request waits for the morning in their zone.
    const released = await t
      .http()
      .post('/confirmations/releases')
      .set(staff())
      .send({ importJobId: job.id, channels: ['sms'], expected: 1 })
      .expect(200);
    expect(released.body.queued).toEqual({ email: 0, sms: 1 });
    const row = await waitFor(
      async () =>
        (
          await t.db.dataSource.query(
            `SELECT status, due_at, (due_at AT TIME ZONE $2)::text AS local_due FROM messages
             WHERE contact_id = $1 AND kind = 'confirmation'`,
            [late.id, zone],
          )
        )[0] as { status: string; due_at: Date; local_due: string } | undefined,
      (r) => !!r && r.due_at.getTime() > Date.now(),
    );
    expect(row).toMatchObject({ status: 'queued' });
    expect(row!.local_due).toMatch(/ 08:00:00$/);
    expect(row!.due_at.getTime() - Date.now()).toBeLessThan(9.1 * 3600_000);
    expect(sms.sent.slice(before).map((s) => s.to)).toEqual(['+4915140000003']);
  });

  it('the preview counts each exclusion as the launch records it', async () => {
    await importConfirmed('en', [
      ['home1', '+4915140000099'],
      ['home2', '+4915140000099'],
      ['nophone', '+4915140000098'],
      ['gone', '+4915140000097'],
    ]);
    await t.db.dataSource.query(`UPDATE contacts SET phone = NULL WHERE email = 'nophone@example.org'`);
    // At night where they live, so that nothing of this wave goes out while the next test counts messages.
    await t.db.dataSource.query(`UPDATE contacts SET time_zone = $1 WHERE language = 'en'`, [zoneAt(2)]);
    await t.db.dataSource.query(
      `INSERT INTO suppressions (hash, channel, reason) VALUES (suppression_hash('+4915140000097'), 'sms', 'hard-bounce')`,
    );
    const wave = await peaceSms('steps', { languages: ['en'] });
    const preview = (await t.http().post(`/waves/${wave.id}/preview`).set(staff()).expect(200)).body;
    const counted = Object.fromEntries(
      preview.steps
        .filter((s: { excluded: number }) => s.excluded > 0)
        .map((s: { reason: string; excluded: number }) => [s.reason, s.excluded]),
    );
    expect(counted).toMatchObject({ 'no-address': 1, suppressed: 1, 'duplicate-address': 1 });
    await t.http().post(`/waves/${wave.id}/launch`).set(staff()).expect(200);
    const skipped: { error_code: string; n: number }[] = await t.db.dataSource.query(
      `SELECT error_code, count(*)::int AS n FROM messages
       WHERE wave_id = $1 AND status = 'skipped' AND error_code = ANY($2) GROUP BY error_code`,
      [wave.id, Object.keys(counted)],
    );
    expect(Object.fromEntries(skipped.map((r) => [r.error_code, r.n]))).toEqual(counted);
    const home: { status: string }[] = await t.db.dataSource.query(
      `SELECT m.status FROM messages m JOIN contacts c ON c.id = m.contact_id
       WHERE m.wave_id = $1 AND c.email IN ('home1@example.org', 'home2@example.org')`,
      [wave.id],
    );
    expect(home.filter((m) => m.status === 'skipped')).toHaveLength(1);
  });

  it('schedules event reminders, and sends none after the cut-off', async () => {
    const before = smtp.messages.length + sms.sent.length;
    const startsAt = new Date(Date.now() + 4 * 86_400_000);
    const event = (
      await t
        .http()
        .post('/events')
        .set(staff())
        .send({
          name: 'Wahlabend',
          startsAt,
          place: 'Marktplatz',
          cutoffAt: new Date(Date.now() - 60_000),
          reminders: [
            { offsetMinutes: 120, channel: 'email', templateKey: 'transit' },
            { offsetMinutes: 4320, channel: 'email', templateKey: 'transit' },
          ],
        })
        .expect(201)
    ).body;
    expect(event.reminders.map((w: { status: string }) => w.status)).toEqual(['scheduled', 'scheduled']);
    await runImport(
      t.db.dataSource,
      'contacts',
      await tempFile(
        'email,language,email_consent,email_confirmed_at,consent_ip\n' +
          'rally1@example.org,de,ja,2026-01-05T10:00:00Z,192.0.2.7\nrally2@example.org,en,ja,2026-01-05T10:00:00Z,192.0.2.7\n',
      ),
      { purpose: 'event-reminders' },
    );
    await t.db.dataSource.query(
      `UPDATE waves SET scheduled_at = now() - interval '1 minute' WHERE event_id = $1`,
      [event.id],
    );
    const reminders = await waitFor(
      () =>
        t.db.dataSource.query<{ status: string; error_code: string }[]>(
          `SELECT m.status, m.error_code FROM messages m JOIN waves w ON w.id = m.wave_id JOIN contacts c ON c.id = m.contact_id
           WHERE w.event_id = $1 AND c.email LIKE 'rally%'`,
          [event.id],
        ),
      (rows) => rows.length === 4 && rows.every((r) => r.status === 'skipped'),
    );
    expect(reminders.map((r) => r.error_code)).toEqual(['cut-off', 'cut-off', 'cut-off', 'cut-off']);
    expect(smtp.messages.length + sms.sent.length).toBe(before);
  });
});
