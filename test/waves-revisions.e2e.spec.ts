import type { Role } from '../src/common/roles.js';
import { startTestApp, type TestApp } from './app.js';
import { runImport, tempFile } from './imports.js';
import { loadWaveData, waitFor, waveContacts } from './waves.js';

/** 24 contacts with confirmed email consent (i % 5 ≤ 1), 8 of them in English and 8 in Turkish. */
const N = 60;

describe('an approval is of the revision its approver saw', () => {
  let t: TestApp;
  const ids = {} as Record<Role, string>;
  const as = (role: Role) => t.as(role);
  let runId: string;
  let segments: {
    segmentId: string;
    name: string | null;
    label: { en: string };
    decision: { templateKey: string; templateVersion: number };
  }[];

  beforeAll(async () => {
    t = await startTestApp({
      APPROVAL_THRESHOLD: '5',
      // Nothing is sent: what matters here is what is decided and written.
      DISPATCH_IN_API: 'false',
      FREQUENCY_CAP: 'off',
    });
    await loadWaveData(t, N);
    for (const role of ['admin', 'strategist', 'staff'] as Role[])
      ids[role] = (await t.http().get('/auth/me').set(as(role)).expect(200)).body.id;
    runId = (
      await t.http().post('/segmentations').set(as('strategist')).send({ k: '3', seed: 1 }).expect(201)
    ).body.id;
    const matrix = (await t.http().get(`/segmentations/${runId}/matches`).set(as('strategist')).expect(200))
      .body;
    for (const s of matrix.segments)
      await t
        .http()
        .put(`/segmentations/${runId}/matches/${s.segmentId}`)
        .set(as('strategist'))
        .send({ templateKey: s.proposed ?? s.ranked[0].template })
        .expect(200);
    segments = (await t.http().get(`/segmentations/${runId}/matches`).set(as('strategist')).expect(200)).body
      .segments;
  });
  afterAll(() => t.close());

  const create = async (body: object) =>
    (
      await t
        .http()
        .post('/waves')
        .set(as('staff'))
        .send({ channel: 'email', purpose: 'campaign-news', ...body })
        .expect(201)
    ).body as { id: string; revision: number };
  const fixed = (name: string, audience: object = {}, more: object = {}) =>
    create({ name, audience, templateStrategy: 'fixed', templateKey: 'peace', ...more });
  const wave = async (id: string) =>
    (await t.http().get(`/waves/${id}`).set(as('strategist')).expect(200)).body;
  const approve = (id: string, revision: number, by: Role = 'strategist') =>
    t.http().post(`/waves/${id}/approve`).set(as(by)).send({ revision });
  const launch = (id: string) => t.http().post(`/waves/${id}/launch`).set(as('staff'));
  const audit = (id: string) =>
    t.db.dataSource.query<
      { id: string; action: string; staff_user_id: string | null; details: Record<string, unknown> }[]
    >(
      `SELECT id, action, staff_user_id, details FROM audit_log WHERE entity_type = 'wave' AND entity_id = $1 ORDER BY id`,
      [id],
    );
  const ledgerRows = async (id: string) =>
    (
      await t.db.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM messages WHERE wave_id = $1`,
        [id],
      )
    )[0].n;
  /** Saves the template as a new version with one word more in its German SMS. */
  const saveTemplate = async (key: string) => {
    const current = (await t.http().get(`/templates/${key}`).set(as('strategist')).expect(200)).body;
    const { context, name, weights, reasoning, content } = current as {
      weights: Record<string, number>;
      content: { de: { sms: string } };
    } & Record<string, unknown>;
    content.de.sms = `${content.de.sms} Neu.`;
    // Weights on features the sample regions lack are refused (and score nothing): they are left out.
    const known = new Set(
      ((await t.http().get('/features').set(as('strategist')).expect(200)).body as { key: string }[]).map(
        (f) => f.key,
      ),
    );
    for (const key of Object.keys(weights)) if (!known.has(key)) delete weights[key];
    return (
      await t
        .http()
        .put(`/templates/${key}`)
        .set(as('strategist'))
        .send({ context, name, weights, reasoning, content })
        .expect((r) => expect([r.status, r.body.message]).toEqual([200, undefined]))
    ).body as { version: number };
  };

  it('refuses an approval of a revision the wave has moved on from, naming what changed', async () => {
    const { id } = await fixed('nur Englisch', { languages: ['en'] });
    const seen = (await t.http().post(`/waves/${id}/preview`).set(as('strategist')).expect(200)).body;
    expect(seen).toMatchObject({ revision: 1, final: 8 });
    expect((await wave(id)).revision).toBe(1);

    const changed = (
      await t
        .http()
        .patch(`/waves/${id}`)
        .set(as('staff'))
        .send({ audience: { languages: ['en', 'tr'] } })
        .expect(200)
    ).body;
    expect(changed.revision).toBe(2);
    const stale = await approve(id, seen.revision).expect(409);
    expect(stale.body.message).toBe(
      'The wave changed after revision 1, which you saw: it is at revision 2 (revision 2: audience changed by staff). ' +
        'Look at its preview again and approve what it shows',
    );
    expect(stale.body.details).toEqual({
      seen: 1,
      revision: 2,
      changes: ['revision 2: audience changed by staff'],
    });
    expect((await wave(id)).approval).toBeNull();
    expect((await launch(id).expect(409)).body.message).toMatch(/must approve it first/);
    expect(await ledgerRows(id)).toBe(0);

    // The revision the approver sees now is approved, with the count its preview gives.
    await approve(id, 2).expect(200);
    expect((await wave(id)).approval).toMatchObject({ by: ids.strategist, revision: 2, final: 16 });
    await approve(id, 0).expect(422);
    await t.http().post(`/waves/${id}/approve`).set(as('strategist')).send({}).expect(422);
    expect((await launch(id).expect(200)).body).toMatchObject({ status: 'sending', progress: { total: 40 } });
    expect((await audit(id)).map((a) => [a.action, a.details.revision])).toEqual([
      ['wave.create', 1],
      ['wave.update', 2],
      ['wave.approve', 2],
      ['wave.launch', 2],
    ]);
  });

  it('a template version saved after the approval of a wave with it fixed withdraws the approval; the wave takes the latest version', async () => {
    const { id } = await fixed('Frieden fest');
    expect((await wave(id)).templates).toEqual([
      expect.objectContaining({ segmentId: null, template: 'peace', takesLatest: true }),
    ]);
    const before = (await wave(id)).templates[0].version as number;
    await approve(id, 1).expect(200);
    const { version } = await saveTemplate('peace');
    expect(version).toBe(before + 1);

    const after = await wave(id);
    expect(after).toMatchObject({ revision: 2, approval: null });
    expect(after.templates[0]).toMatchObject({
      template: 'peace',
      version,
      latestVersion: version,
      takesLatest: true,
    });
    const preview = (await t.http().post(`/waves/${id}/preview`).set(as('staff')).expect(200)).body;
    expect(preview.revision).toBe(2);
    expect(
      preview.groups.every(
        (g: { templateVersion: number; takesLatest: boolean }) =>
          g.templateVersion === version && g.takesLatest,
      ),
    ).toBe(true);
    const refused = (await launch(id).expect(409)).body.message;
    expect(refused).toBe(
      "this wave would reach 24 people, and more than 5 recipients need a second person's approval: a strategist or admin " +
        `other than its creator must approve it first (its approval was withdrawn by revision 2: everyone: peace v${before} → peace v${version} (template peace v${version} saved))`,
    );
    expect(await ledgerRows(id)).toBe(0);
    // The withdrawal is written with the template's new version, in its transaction, after the approval.
    const entries = await t.db.dataSource.query<
      { action: string; entity_type: string; staff_user_id: string }[]
    >(
      `SELECT action, entity_type, staff_user_id FROM audit_log
       WHERE (entity_type = 'wave' AND entity_id = $1) OR (entity_type = 'template' AND entity_id = 'peace') ORDER BY id`,
      [id],
    );
    expect(entries.map((e) => e.action).slice(-3)).toEqual([
      'wave.approve',
      'template.update',
      'wave.revise',
    ]);
    expect(entries.at(-1)!.staff_user_id).toBe(ids.strategist);
    const uses = (await t.http().get('/templates/peace/uses').set(as('staff')).expect(200)).body;
    expect(uses.waves).toContainEqual(
      expect.objectContaining({
        id,
        approved: false,
        takesLatest: true,
        versions: [version],
        olderVersion: false,
      }),
    );
  });

  it('a newer template version does not reach a match until it is approved; approving it withdraws the approval of the waves using it', async () => {
    const segment = segments[0];
    const key = segment.decision.templateKey;
    const approvedVersion = segment.decision.templateVersion;
    const { id } = await create({
      name: 'über Zuordnungen',
      audience: { runId, segmentIds: segments.map((s) => s.segmentId) },
      templateStrategy: 'approved',
    });
    const other = await fixed('andere Vorlage fest');
    await approve(id, 1).expect(200);
    await approve(other.id, 1).expect(200);

    // A new version is saved: the match keeps the one it approved, and so do the waves over it.
    const { version } = await saveTemplate(key);
    let now = await wave(id);
    expect(now).toMatchObject({ revision: 1, approval: { revision: 1 } });
    expect(now.templates).toContainEqual({
      segmentId: segment.segmentId,
      segment: segment.name ?? segment.label.en,
      template: key,
      version: approvedVersion,
      latestVersion: version,
      latestSavedAt: expect.any(String),
      takesLatest: false,
      handChoice: false,
    });
    const matrix = (await t.http().get(`/segmentations/${runId}/matches`).set(as('staff')).expect(200)).body;
    expect(matrix.segments[0].decision).toMatchObject({
      templateKey: key,
      templateVersion: approvedVersion,
      latestVersion: version,
      latestSavedAt: expect.any(String),
    });
    const preview = (await t.http().post(`/waves/${id}/preview`).set(as('staff')).expect(200)).body;
    const group = preview.groups.find((g: { segmentId: string }) => g.segmentId === segment.segmentId);
    expect(group).toMatchObject({
      template: key,
      templateVersion: approvedVersion,
      latestVersion: version,
      takesLatest: false,
    });
    const uses = (await t.http().get(`/templates/${key}/uses`).set(as('strategist')).expect(200)).body;
    expect(uses).toMatchObject({ key, version });
    expect(uses.matches).toContainEqual(
      expect.objectContaining({ segmentId: segment.segmentId, runId, version: approvedVersion }),
    );
    expect(uses.waves).toContainEqual(
      expect.objectContaining({ id, approved: true, takesLatest: false, olderVersion: true }),
    );

    // The strategist approves the newer version for the segment: the wave over it has a new revision.
    await t
      .http()
      .put(`/segmentations/${runId}/matches/${segment.segmentId}`)
      .set(as('strategist'))
      .send({ templateKey: key })
      .expect(200);
    now = await wave(id);
    expect(now).toMatchObject({ revision: 2, approval: null });
    expect(now.templates.find((x: { segmentId: string }) => x.segmentId === segment.segmentId)).toMatchObject(
      {
        version,
        latestVersion: version,
      },
    );
    // A wave that does not send this match keeps its approval.
    expect(await wave(other.id)).toMatchObject({ revision: 1, approval: { revision: 1 } });
    const name = segment.name ?? segment.label.en;
    const revise = (await audit(id)).at(-1)!;
    expect(revise).toMatchObject({
      action: 'wave.revise',
      staff_user_id: ids.strategist,
      details: {
        revision: 2,
        changed: ['templates'],
        templates: [`segment '${name}': ${key} v${approvedVersion} → ${key} v${version}`],
        approvalWithdrawn: { by: ids.strategist, revision: 1 },
      },
    });
    expect((await launch(id).expect(409)).body.message).toMatch(
      new RegExp(
        `\\(its approval was withdrawn by revision 2: segment '${name}': ${key} v${approvedVersion} → ${key} v${version} \\(match of segment`,
      ),
    );
    // An approval of what the approver saw before is refused, naming the change.
    expect((await approve(id, 1).expect(409)).body.details.changes).toEqual([
      `revision 2: segment '${name}': ${key} v${approvedVersion} → ${key} v${version} (${revise.details.because as string})`,
    ]);
    await approve(id, 2).expect(200);
    await launch(id).expect(200);
    const sent: { template_version: number }[] = await t.db.dataSource.query(
      `SELECT DISTINCT template_version FROM messages WHERE wave_id = $1 AND segment_id = $2 AND status <> 'skipped'`,
      [id, segment.segmentId],
    );
    expect(sent).toEqual([{ template_version: version }]);
  });

  it('a scheduled wave whose approval no longer holds when its time comes waits as needs-approval instead of starting', async () => {
    const { id } = await fixed('geplant', {}, { scheduledAt: new Date(Date.now() + 4000).toISOString() });
    await approve(id, 1).expect(200);
    expect((await launch(id).expect(200)).body.status).toBe('scheduled');
    const { version } = await saveTemplate('peace');
    expect(await wave(id)).toMatchObject({ status: 'scheduled', revision: 2, approval: null });
    // No dispatcher runs in this app: one is started here, as in a worker.
    const { Dispatcher } = await import('../src/waves/dispatcher.js');
    const dispatcher = t.app.get(Dispatcher);
    dispatcher.start();
    try {
      const held = await waitFor(
        () => wave(id),
        (w: { status: string; launchedAt: string | null }) => w.status === 'needs-approval',
        15_000,
      );
      expect(held.launchedAt).toBeNull();
      expect(await ledgerRows(id)).toBe(0);
      expect((await audit(id)).at(-1)).toMatchObject({
        action: 'wave.hold',
        staff_user_id: null,
        details: { revision: 2, recipients: 24, refusal: expect.stringMatching(/must approve it first/) },
      });
      // Approved again and launched, it starts: its time has passed.
      await approve(id, 2).expect(200);
      const started = (await launch(id).expect(200)).body;
      expect(started).toMatchObject({ status: 'sending', templates: [{ version }] });
      expect(await ledgerRows(id)).toBe(N);
    } finally {
      await dispatcher.stop();
    }
  });

  it('an audience grown by more than APPROVAL_TOLERANCE over the count approved needs a new approval', async () => {
    const within = await fixed('ein wenig mehr');
    const beyond = await fixed('viel mehr');
    await approve(within.id, 1).expect(200);
    await approve(beyond.id, 1).expect(200);
    expect((await wave(beyond.id)).approval.final).toBe(24);
    // Two more confirmed: 26, within 10 % of 24.
    await runImport(t.db.dataSource, 'contacts', await tempFile(waveContacts(5, 'g')));
    await launch(within.id).expect(200);
    // Four more: 30, beyond 26.4.
    await runImport(t.db.dataSource, 'contacts', await tempFile(waveContacts(8, 'h')));
    expect((await launch(beyond.id).expect(409)).body.message).toBe(
      'this wave would now reach 30 people, more than the 24 approved and its 10 % margin: it needs a new approval',
    );
    expect(await ledgerRows(beyond.id)).toBe(0);
    await approve(beyond.id, 1).expect(200);
    expect((await launch(beyond.id).expect(200)).body.status).toBe('sending');
    expect((await audit(beyond.id)).at(-1)!.details).toMatchObject({ recipients: 30, approvedFinal: 30 });
  });
});
