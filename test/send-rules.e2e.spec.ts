import { startTestApp, type TestApp } from './app.js';
import { startFakeTwilio, type FakeTwilio, twilioEnv } from './fake-twilio.js';
import { runImport, tempFile } from './imports.js';
import { waitFor, zoneAt, peaceSmsWave } from './waves.js';

/** A: had a message of another wave still with the provider; B: day; C: night in their zone. */
const PEOPLE = [
  ...[1, 2, 3, 4].map((i) => ({
    name: `a${i}`,
    phone: `+491514100000${i}`,
    language: 'de',
    zone: zoneAt(13),
  })),
  ...[1, 2, 3].map((i) => ({ name: `b${i}`, phone: `+491514200000${i}`, language: 'en', zone: zoneAt(13) })),
  ...[1, 2].map((i) => ({ name: `c${i}`, phone: `+491514300000${i}`, language: 'en', zone: zoneAt(2) })),
];

describe('one rulebook: what the preview promises is what the dispatcher does', () => {
  let t: TestApp;
  let sms: FakeTwilio;
  const staff = () => t.as('staff');
  const wave = (name: string, audience: object) => peaceSmsWave(t, name, audience);

  beforeAll(async () => {
    sms = await startFakeTwilio();
    t = await startTestApp({
      ...twilioEnv(sms),
      QUIET_HOURS_SMS: '21-8',
      FREQUENCY_CAP: '1/7',
    });
    await runImport(
      t.db.dataSource,
      'contacts',
      await tempFile(
        [
          'email,phone,language,email_consent,sms_consent,email_confirmed_at,sms_confirmed_at,consent_ip',
          ...PEOPLE.map(
            (p) =>
              `${p.name}@example.org,${p.phone},${p.language},ja,ja,2026-01-05T10:00:00Z,2026-01-05T10:00:00Z,192.0.2.7`,
          ),
        ].join('\n') + '\n',
      ),
    );
    for (const p of PEOPLE)
      await t.db.dataSource.query(`UPDATE contacts SET time_zone = $1 WHERE email = $2`, [
        p.zone,
        `${p.name}@example.org`,
      ]);
  });
  afterAll(async () => {
    await t.close();
    await sms.close();
  });

  it('frequency cap and quiet hours both bite: final = messages received + messages deferred, each skip under its step', async () => {
    // A first wave to A, whose answers the provider holds: its messages are `sending`, their sent_at still empty.
    sms.hold();
    const first = await wave('first', { languages: ['de'] });
    await t.http().post(`/waves/${first.id}/launch`).set(staff()).expect(200);
    await waitFor(
      () => sms.held,
      (n) => n === 4,
    );

    const second = await wave('second', {});
    const preview = (await t.http().post(`/waves/${second.id}/preview`).set(staff()).expect(200)).body;
    const step = (reason: string) => preview.steps.find((s: { reason: string }) => s.reason === reason);
    expect(preview.audience).toBe(9);
    expect(step('frequency-cap')).toMatchObject({
      excluded: 4,
      meaning: expect.stringContaining('frequency cap'),
    });
    expect(preview.final).toBe(5);
    expect(preview.deferred).toMatchObject({ reason: 'quiet-hours', count: 2 });
    const until = new Date(preview.deferred.until);
    expect(until.getTime()).toBeGreaterThan(Date.now());
    expect(
      new Intl.DateTimeFormat('en-GB', { timeZone: zoneAt(2), hour: '2-digit', minute: '2-digit' }).format(
        until,
      ),
    ).toBe('08:00');

    await t.http().post(`/waves/${second.id}/launch`).set(staff()).expect(200);
    sms.release();
    const rows = await waitFor(
      async (): Promise<{ status: string; error_code: string | null; due_at: Date }[]> =>
        t.db.dataSource.query(`SELECT status, error_code, due_at FROM messages WHERE wave_id = $1`, [
          second.id,
        ]),
      (r) =>
        r.filter((m) => m.status === 'sent').length === 3 &&
        r.filter((m) => m.status === 'queued' && m.due_at.getTime() > Date.now()).length === 2,
    );
    const received = sms.sent.filter((s) => s.to.startsWith('+4915142') || s.to.startsWith('+4915143'));
    const deferred = rows.filter((m) => m.status === 'queued');
    expect(received.length + deferred.length).toBe(preview.final);
    for (const row of deferred) expect(row.due_at.toISOString()).toBe(until.toISOString());
    // Every skipped contact is skipped for the step the preview counted it under.
    const skipped: Record<string, number> = {};
    for (const row of rows.filter((m) => m.status === 'skipped'))
      skipped[row.error_code!] = (skipped[row.error_code!] ?? 0) + 1;
    const counted = Object.fromEntries(
      preview.steps
        .filter((s: { excluded: number }) => s.excluded > 0)
        .map((s: { reason: string; excluded: number }) => [s.reason, s.excluded]),
    );
    expect(skipped).toEqual(counted);
  });
});
