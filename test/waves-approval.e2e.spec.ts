import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Role } from '../src/common/roles.js';
import { startTestApp, type TestApp } from './app.js';
import { startSmtp, type TestSmtp } from './smtp.js';
import { isCampaign, ledgerId, loadWaveData, waitFor } from './waves.js';

const run = promisify(execFile);
const CLI = resolve(import.meta.dirname, '../dist/cli.js');

/** 10 contacts with confirmed email consent, 5 with confirmed SMS consent (see waveContacts). */
const N = 25;
const THRESHOLD = '5';
const refused = (people: number) =>
  `this wave would reach ${people} people, and more than 5 recipients need a second person's approval: a ` +
  'strategist or admin other than its creator must approve it first';

describe('the approval of waves above APPROVAL_THRESHOLD, and the monitor', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  const ids = {} as Record<Role, string>;
  const as = (role: Role) => t.as(role);

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp({
      SMTP_URL: smtp.url,
      APPROVAL_THRESHOLD: THRESHOLD,
      EMAIL_PER_SECOND: '10',
      QUIET_HOURS_SMS: 'off',
      FREQUENCY_CAP: 'off',
    });
    await loadWaveData(t, N);
    for (const role of ['admin', 'strategist', 'staff'] as Role[])
      ids[role] = (await t.http().get('/auth/me').set(as(role)).expect(200)).body.id;
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  /** A draft email wave to everyone who may get it, with one fixed template: 10 people. */
  const emailWave = async (name: string, by: Role = 'staff') =>
    (
      await t
        .http()
        .post('/waves')
        .set(as(by))
        .send({
          name,
          channel: 'email',
          purpose: 'campaign-news',
          audience: {},
          templateStrategy: 'fixed',
          templateKey: 'peace',
        })
        .expect(201)
    ).body as { id: string };
  const launch = (id: string, by: Role, status: number) =>
    t.http().post(`/waves/${id}/launch`).set(as(by)).expect(status);
  /** The revision a person sees now, on the wave's page. */
  const revisionOf = async (id: string) =>
    (await t.http().get(`/waves/${id}`).set(as('strategist')).expect(200)).body.revision as number;
  /** Approves the revision `seen` (by default the one the approver sees now). */
  const approve = async (id: string, by: Role, status: number, seen?: number) =>
    t
      .http()
      .post(`/waves/${id}/approve`)
      .set(as(by))
      .send({ revision: seen ?? (await revisionOf(id)) })
      .expect(status);
  const patch = (id: string, by: Role, body: object, status: number) =>
    t.http().patch(`/waves/${id}`).set(as(by)).send(body).expect(status);
  const audit = (id: string) =>
    t.db.dataSource.query<{ action: string; staff_user_id: string; details: Record<string, unknown> }[]>(
      `SELECT action, staff_user_id, details FROM audit_log WHERE entity_type = 'wave' AND entity_id = $1 ORDER BY id`,
      [id],
    );
  const ledgerRows = async (id: string) =>
    (
      await t.db.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM messages WHERE wave_id = $1`,
        [id],
      )
    )[0].n;
  const finished = (id: string) =>
    waitFor(
      async () => (await t.http().get(`/waves/${id}`).set(as('staff')).expect(200)).body,
      (w: { status: string }) => w.status === 'completed',
    );

  it('refuses to launch a wave above the threshold until a strategist approves it; staff then launch it', async () => {
    const wave = await emailWave('groß');
    const preview = (await t.http().post(`/waves/${wave.id}/preview`).set(as('staff')).expect(200)).body;
    expect(preview.final).toBe(10);
    expect(preview.revision).toBe(1);
    expect(preview.approval).toEqual({
      threshold: 5,
      required: true,
      by: null,
      byName: null,
      at: null,
      revision: null,
      final: null,
      tolerance: 10,
    });

    const refusal = await launch(wave.id, 'staff', 409);
    expect(refusal.body.message).toBe(refused(10));
    expect(await ledgerRows(wave.id)).toBe(0);
    await approve(wave.id, 'staff', 403);

    const approved = (await approve(wave.id, 'strategist', 200)).body;
    expect(approved).toMatchObject({
      status: 'draft',
      createdBy: ids.staff,
      createdByName: 'staff',
      revision: 1,
      approval: { by: ids.strategist, byName: 'strategist', at: expect.any(String), revision: 1, final: 10 },
    });
    const listed = (await t.http().get('/waves').set(as('strategist')).expect(200)).body;
    expect(listed.find((w: { id: string }) => w.id === wave.id).approval.by).toBe(ids.strategist);
    expect(
      (await t.http().post(`/waves/${wave.id}/preview`).set(as('strategist')).expect(200)).body.approval,
    ).toMatchObject({ required: true, by: ids.strategist, byName: 'strategist' });

    await launch(wave.id, 'strategist', 403);
    expect((await launch(wave.id, 'staff', 200)).body.status).toBe('sending');
    expect(await audit(wave.id)).toEqual([
      { action: 'wave.create', staff_user_id: ids.staff, details: { name: 'groß', revision: 1 } },
      { action: 'wave.approve', staff_user_id: ids.strategist, details: { revision: 1, final: 10 } },
      {
        action: 'wave.launch',
        staff_user_id: ids.staff,
        details: {
          revision: 1,
          recipients: 10,
          approvedBy: ids.strategist,
          approvedRevision: 1,
          approvedFinal: 10,
        },
      },
    ]);
    await approve(wave.id, 'strategist', 409);
  });

  it('its creator may not approve it, nor may its approver launch it (an admin included)', async () => {
    const own = await emailWave('von admin', 'admin');
    expect((await approve(own.id, 'admin', 409)).body.message).toBe(
      'You created this wave: a strategist or admin other than its creator must approve it',
    );
    await approve(own.id, 'strategist', 200);
    // The creator may launch what someone else approved.
    await launch(own.id, 'admin', 200);

    const wave = await emailWave('vom admin genehmigt');
    await approve(wave.id, 'admin', 200);
    expect((await launch(wave.id, 'admin', 409)).body.message).toBe(
      "this wave would reach 10 people, and more than 5 recipients need a second person's approval, and you approved it: someone other " +
        'than its approver must launch it',
    );
    expect(await ledgerRows(wave.id)).toBe(0);
    await launch(wave.id, 'staff', 200);
  });

  it('a change after the approval withdraws it, and whoever changed the wave may not approve it', async () => {
    const wave = await emailWave('geändert');
    await approve(wave.id, 'strategist', 200);
    const changed = (await patch(wave.id, 'staff', { name: 'Frieden jetzt' }, 200)).body;
    expect(changed).toMatchObject({ name: 'Frieden jetzt', approval: null, status: 'draft', revision: 2 });
    expect((await launch(wave.id, 'staff', 409)).body.message).toBe(
      `${refused(10)} (its approval was withdrawn by revision 2: name changed by staff)`,
    );
    expect((await audit(wave.id)).at(-1)).toEqual({
      action: 'wave.update',
      staff_user_id: ids.staff,
      details: { changed: ['name'], revision: 2, approvalWithdrawn: { by: ids.strategist, revision: 1 } },
    });

    // A request that changes nothing is no change.
    await approve(wave.id, 'strategist', 200);
    expect((await patch(wave.id, 'staff', { name: 'Frieden jetzt' }, 200)).body.approval).toMatchObject({
      by: ids.strategist,
    });

    // An admin who changed it may not approve it.
    const narrowed = (await patch(wave.id, 'admin', { audience: { languages: ['de'] } }, 200)).body;
    expect(narrowed.approval).toBeNull();
    expect(narrowed.audience).toEqual({ languages: ['de'] });
    expect((await approve(wave.id, 'admin', 409)).body.message).toBe(
      'You changed this wave: a strategist or admin who neither created nor changed it must approve it',
    );

    // The same checks as at creation.
    const eventless = await patch(wave.id, 'staff', { templateKey: 'housing-reminder' }, 400);
    expect(eventless.body.details.problems).toEqual([
      "the template 'housing-reminder' uses {{event_date}} and {{event_place}}, but this wave has no event",
    ]);
    await patch(wave.id, 'staff', { channel: 'fax' }, 422);
    await patch(wave.id, 'staff', { name: null }, 422);
    await patch(wave.id, 'staff', { status: 'sending' }, 422);
    const later = new Date(Date.now() + 86_400_000).toISOString();
    expect((await patch(wave.id, 'staff', { scheduledAt: later }, 200)).body.scheduledAt).toBe(later);
    expect((await patch(wave.id, 'staff', { scheduledAt: null }, 200)).body.scheduledAt).toBeNull();
    expect((await t.http().post(`/waves/${wave.id}/preview`).set(as('staff')).expect(200)).body.final).toBe(
      4,
    );

    // Four people now: no approval needed; and a launched wave cannot be changed.
    await launch(wave.id, 'staff', 200);
    await patch(wave.id, 'staff', { name: 'zu spät' }, 409);
    await patch('00000000-0000-4000-8000-000000000000', 'staff', { name: 'x' }, 404);
    await patch(wave.id, 'strategist', { name: 'x' }, 403);
  });

  it('a wave at the threshold launches without an approval', async () => {
    const wave = (
      await t
        .http()
        .post('/waves')
        .set(as('staff'))
        .send({
          name: 'SMS an fünf',
          channel: 'sms',
          purpose: 'campaign-news',
          audience: {},
          templateStrategy: 'fixed',
          templateKey: 'peace',
        })
        .expect(201)
    ).body as { id: string };
    const preview = (await t.http().post(`/waves/${wave.id}/preview`).set(as('staff')).expect(200)).body;
    expect(preview.final).toBe(5);
    expect(preview.approval).toMatchObject({ threshold: 5, required: false });
    const launched = (await launch(wave.id, 'staff', 200)).body;
    expect(launched).toMatchObject({ status: 'sending', approval: null, progress: { total: N } });
    expect((await audit(wave.id)).at(-1)).toMatchObject({
      action: 'wave.launch',
      details: { revision: 1, recipients: 5 },
    });
  });

  it("an event's reminder above the threshold stays a draft until it is approved and launched", async () => {
    const event = (
      await t
        .http()
        .post('/events')
        .set(as('staff'))
        .send({
          name: 'Kundgebung',
          startsAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
          place: 'Marktplatz',
          reminders: [
            {
              offsetMinutes: 1440,
              channel: 'email',
              purpose: 'campaign-news',
              templateKey: 'peace-reminder',
            },
            { offsetMinutes: 60, channel: 'sms', purpose: 'campaign-news', templateKey: 'peace-reminder' },
          ],
        })
        .expect(201)
    ).body;
    const [email, sms] = ['email', 'sms'].map((c) =>
      event.reminders.find((r: { channel: string }) => r.channel === c),
    );
    expect(email).toMatchObject({ status: 'draft', approval: null, createdByName: 'staff' });
    expect(sms.status).toBe('scheduled');
    expect((await launch(email.id, 'staff', 409)).body.message).toBe(refused(10));
    await approve(email.id, 'strategist', 200);
    expect((await launch(email.id, 'staff', 200)).body.status).toBe('scheduled');
  });

  it('the command line acts for the staff user it names: refuses to launch an unapproved big wave, and launches an approved one', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'cli-approval-'));
    const cli = async (...args: string[]) => {
      try {
        const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
          env: {
            ...process.env,
            DATABASE_URL: t.db.url,
            DATA_DIR: dataDir,
            APPROVAL_THRESHOLD: THRESHOLD,
            FREQUENCY_CAP: 'off',
            LOG_LEVEL: 'error',
          },
        });
        return { code: 0, stdout, stderr };
      } catch (e) {
        const failed = e as { code: number; stdout: string; stderr: string };
        return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
      }
    };
    const made = await cli(
      'wave',
      'create',
      '--as',
      'Staff@example.org',
      '--channel',
      'email',
      '--template',
      'peace',
      '--json',
    );
    expect(made.code).toBe(0);
    const ownWave = JSON.parse(made.stdout.trim().split('\n').pop()!) as { id: string; createdBy: string };
    expect(ownWave.createdBy).toBe(ids.staff);
    expect(await audit(ownWave.id)).toEqual([
      { action: 'wave.create', staff_user_id: ids.staff, details: expect.objectContaining({ revision: 1 }) },
    ]);
    expect((await cli('wave', 'create', '--channel', 'email', '--template', 'peace')).stderr).toMatch(
      /^name the staff user this acts for: --as <staff email>/,
    );
    expect((await cli('wave', 'launch', ownWave.id, '--as', 'strategist@example.org')).stderr).toMatch(
      /is a strategist: waves are made and launched by staff or admins/,
    );
    expect((await cli('wave', 'launch', ownWave.id, '--as', 'nobody@example.org')).code).toBe(2);

    const wave = await emailWave('per Kommandozeile');
    const refusedThere = await cli('wave', 'launch', wave.id, '--as', 'staff@example.org', '--json');
    expect(refusedThere.code).toBe(1);
    expect(refusedThere.stderr.trim()).toBe(refused(10));
    expect(await ledgerRows(wave.id)).toBe(0);

    const preview = await cli('wave', 'preview', wave.id);
    expect(preview.stdout).toContain('more than APPROVAL_THRESHOLD (5): needs an approval to launch');
    await approve(wave.id, 'strategist', 200);
    expect((await cli('wave', 'launch', wave.id, '--as', 'admin@example.org')).code).toBe(0);
    // Its approver may not launch it on the command line either.
    const other = await emailWave('per Kommandozeile, vom admin genehmigt');
    await approve(other.id, 'admin', 200);
    expect((await cli('wave', 'launch', other.id, '--as', 'admin@example.org')).stderr.trim()).toMatch(
      /and you approved it: someone other than its approver must launch it$/,
    );
    const launched = await cli('wave', 'launch', other.id, '--as', 'staff@example.org', '--json');
    expect(launched.code).toBe(0);
    expect(JSON.parse(launched.stdout.trim().split('\n').pop()!)).toMatchObject({
      status: 'sending',
      approval: { by: ids.admin },
      progress: { total: N },
    });
    expect((await audit(other.id)).at(-1)).toEqual({
      action: 'wave.launch',
      staff_user_id: ids.staff,
      details: { revision: 1, recipients: 10, approvedBy: ids.admin, approvedRevision: 1, approvedFinal: 10 },
    });
    expect((await audit(wave.id)).at(-1)).toMatchObject({ action: 'wave.launch', staff_user_id: ids.admin });
  });

  it("the monitor's counts and rate series add up to the messages the SMTP server received", async () => {
    // The waves of the tests above finish first: a refusal meant for this wave must not reach one of theirs.
    await waitFor(
      async () =>
        (await t.db.dataSource.query(`SELECT count(*)::int AS n FROM waves WHERE status = 'sending'`))[0].n,
      (n: number) => n === 0,
    );
    smtp.refuse.set('w1@example.org', 550);
    const wave = await emailWave('beobachtet');
    const before = (await t.http().get(`/waves/${wave.id}/progress`).set(as('strategist')).expect(200)).body;
    expect(before).toMatchObject({ status: 'draft', total: 0, handedOver: 0, sent: { buckets: [] } });
    await approve(wave.id, 'strategist', 200);
    await launch(wave.id, 'staff', 200);
    await finished(wave.id);

    const progress = (await t.http().get(`/waves/${wave.id}/progress`).set(as('strategist')).expect(200))
      .body;
    const rows: { id: string }[] = await t.db.dataSource.query(`SELECT id FROM messages WHERE wave_id = $1`, [
      wave.id,
    ]);
    const ours = new Set(rows.map((r) => r.id));
    const received = smtp.messages.filter((m) => isCampaign(m) && ours.has(ledgerId(m)!));
    expect(received).toHaveLength(9);
    const buckets: { at: string; sent: number }[] = progress.sent.buckets;
    expect(progress).toMatchObject({
      id: wave.id,
      status: 'completed',
      channel: 'email',
      total: N,
      byStatus: { sent: received.length, bounced: 1, skipped: N - 10 },
      left: 0,
      expectedEnd: null,
      handedOver: received.length,
      ambiguous: 0,
      configuredRatePerSecond: 10,
      sent: { bucketSeconds: 10 },
      errors: [
        { code: 'smtp-550', meaning: expect.stringMatching(/^no such mailbox/), failed: 1, retrying: 0 },
      ],
    });
    expect(buckets.reduce((s, b) => s + b.sent, 0)).toBe(received.length);
    for (let i = 1; i < buckets.length; i++)
      expect(Date.parse(buckets[i].at) - Date.parse(buckets[i - 1].at)).toBe(10_000);
    expect(progress.skipped.reduce((s: number, k: { count: number }) => s + k.count, 0)).toBe(N - 10);
    expect(progress.skipped.map((k: { reason: string }) => k.reason).sort()).toEqual([
      'no-consent',
      'requested',
      'withdrawn',
    ]);
    const detail = (await t.http().get(`/waves/${wave.id}`).set(as('staff')).expect(200)).body;
    expect(detail.progress).toEqual({
      total: progress.total,
      byStatus: progress.byStatus,
      left: 0,
      ratePerSecond: progress.ratePerSecond,
      expectedEnd: null,
    });

    // A worker that stopped while it handed a message over leaves it ambiguous: counted, with its meaning.
    await t.db.dataSource.query(
      `UPDATE messages SET status = 'sending', claimed_by = 'stopped-worker', lease_until = now() - interval '1 second',
         handed_over_at = now() - interval '2 seconds'
       WHERE id = (SELECT id FROM messages WHERE wave_id = $1 AND status = 'skipped' LIMIT 1)`,
      [wave.id],
    );
    const recovered = await waitFor(
      async () => (await t.http().get(`/waves/${wave.id}/progress`).set(as('staff')).expect(200)).body,
      (p: { ambiguous: number; errors: unknown[] }) => p.ambiguous === 1,
    );
    expect(recovered.errors).toContainEqual({
      code: 'ambiguous',
      meaning:
        'its hand-over to the provider had begun when its worker stopped, so it may have gone out; not resent, so that nobody gets it twice',
      failed: 1,
      retrying: 0,
    });
  });
});
