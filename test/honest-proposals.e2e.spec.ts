import { ConfigError, Env, loadConfig } from '../src/config/config.js';
import { matchesCommand } from '../src/segmentation/segmentation-cli.js';
import { startTestApp, type TestApp } from './app.js';
import { startSmtp, type TestSmtp } from './smtp.js';
import { isCampaign, ledgerId, loadWaveData, recipient, waitFor } from './waves.js';

const N = 120;

interface MatrixSegment {
  segmentId: string;
  proposed: string | null;
  noClearMatch: boolean;
  needsHandChoice: boolean;
  decision: { templateKey: string; overridden: boolean } | null;
  ranked: { template: string; score: number }[];
}

/** What a command prints with console.log, as one text. */
async function printed(command: () => Promise<unknown>): Promise<string> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => void lines.push(args.join(' '));
  try {
    await command();
  } finally {
    console.log = log;
  }
  return lines.join('\n');
}

describe('honest proposals: no clear match', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  const as = (role: 'staff' | 'strategist') => t.as(role);
  let runId: string;
  let segmentIds: string[];

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp({ SMTP_URL: smtp.url, EMAIL_PER_SECOND: '0', FREQUENCY_CAP: 'off' });
    await loadWaveData(t, N);
    const run = (
      await t.http().post('/segmentations').set(as('strategist')).send({ k: '3', seed: 1 }).expect(201)
    ).body;
    runId = run.id;
    segmentIds = run.segments.map((s: { id: string }) => s.id);
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  const matrix = async () =>
    (await t.http().get(`/segmentations/${runId}/matches`).set(as('staff')).expect(200)).body as {
      minScore: number;
      segments: MatrixSegment[];
    };
  const decide = (segmentId: string, templateKey: string) =>
    t
      .http()
      .put(`/segmentations/${runId}/matches/${segmentId}`)
      .set(as('strategist'))
      .send({ templateKey })
      .expect(200);
  const approvedWave = async (name: string) =>
    (
      await t
        .http()
        .post('/waves')
        .set(as('staff'))
        .send({
          name,
          channel: 'email',
          purpose: 'campaign-news',
          audience: { runId, segmentIds },
          templateStrategy: 'approved',
        })
        .expect(201)
    ).body as { id: string };
  const preview = async (id: string) =>
    (await t.http().post(`/waves/${id}/preview`).set(as('staff')).expect(200)).body as {
      steps: { reason: string; meaning: string; excluded: number }[];
      final: number;
    };
  const excludedBy = (p: Awaited<ReturnType<typeof preview>>) =>
    Object.fromEntries(p.steps.map((s) => [s.reason, s.excluded]));
  /** The addresses in these segments with confirmed email consent for campaign news: who a wave may reach. */
  const reachable = async (segments: string[]): Promise<string[]> =>
    (
      await t.db.dataSource.query(
        `SELECT c.email FROM contacts c JOIN segment_members m ON m.region_id = c.region_id
         JOIN consent_current s ON s.contact_id = c.id AND s.channel = 'email' AND s.purpose = 'campaign-news'
         WHERE m.segment_id = ANY($1) AND s.status = 'confirmed' AND c.email IS NOT NULL`,
        [segments],
      )
    )
      .map((r: { email: string }) => r.email)
      .sort();
  const launchAndFinish = async (id: string) => {
    await t.http().post(`/waves/${id}/launch`).set(as('staff')).expect(200);
    return waitFor(
      async () => (await t.http().get(`/waves/${id}`).set(as('staff')).expect(200)).body,
      (w: { status: string }) => w.status === 'completed',
    );
  };
  /** The recipients of a wave's mails, once as many as expected have arrived. */
  const mailedIn = async (waveId: string, expected: number) => {
    const rows: { id: string }[] = await t.db.dataSource.query(`SELECT id FROM messages WHERE wave_id = $1`, [
      waveId,
    ]);
    const ids = new Set(rows.map((r) => r.id));
    const mails = await waitFor(
      () => smtp.messages.filter(isCampaign).filter((m) => ids.has(ledgerId(m) ?? '')),
      (found) => found.length >= expected,
    );
    return mails.map(recipient).sort();
  };

  it('shows a segment whose best template scores below MATCH_MIN_SCORE as no clear match, skips it in an approved-match wave until a strategist chooses by hand', async () => {
    const before = await matrix();
    expect(before.minScore).toBe(0.2);
    const unclear = before.segments.filter((s) => s.ranked[0].score < before.minScore);
    const clear = before.segments.filter((s) => s.ranked[0].score >= before.minScore);
    // The sample districts have an "average" segment that no template fits, beside ones that clearly fit.
    expect(unclear.length).toBeGreaterThan(0);
    expect(clear.length).toBeGreaterThan(0);
    for (const s of unclear)
      expect(s).toMatchObject({ proposed: null, noClearMatch: true, needsHandChoice: true, decision: null });
    for (const s of clear)
      expect(s).toMatchObject({
        proposed: s.ranked[0].template,
        noClearMatch: false,
        needsHandChoice: false,
      });

    // The CLI says so, naming the best score and the minimum.
    const env = t.app.get(Env);
    const text = await printed(() => matchesCommand(t.db.dataSource, [runId], env));
    for (const s of unclear) {
      const block = text.split('\nSegment ').find((b) => b.startsWith(s.segmentId.slice(0, 8)))!;
      expect(block).toContain(
        `none yet; no clear match (the best, ${s.ranked[0].template}, scores ${s.ranked[0].score.toFixed(2)} < 0.20): choose a template by hand`,
      );
    }
    const json = JSON.parse(
      (await printed(() => matchesCommand(t.db.dataSource, [runId, '--json'], env))).split('\n').pop()!,
    );
    expect(json.minScore).toBe(0.2);
    expect(
      json.segments
        .filter((s: { noClearMatch: boolean }) => s.noClearMatch)
        .map((s: MatrixSegment) => s.segmentId),
    ).toEqual(unclear.map((s) => s.segmentId));

    // The clear proposals are approved; the unclear segment has nothing to approve.
    for (const s of clear)
      expect((await decide(s.segmentId, s.proposed!)).body).toMatchObject({ overridden: false });

    const unclearIds = unclear.map((s) => s.segmentId);
    const skippedPeople = await reachable(unclearIds);
    const clearPeople = await reachable(clear.map((s) => s.segmentId));
    expect(skippedPeople.length).toBeGreaterThan(0);

    const first = await approvedWave('no clear match');
    const p = await preview(first.id);
    expect(excludedBy(p)).toMatchObject({ 'no-clear-match': skippedPeople.length, 'no-template': 0 });
    expect(p.steps.find((s) => s.reason === 'no-clear-match')!.meaning).toMatch(
      /no template fits the segment clearly .*clear-match threshold.* no strategist chose one by hand/,
    );
    // Its step comes right before the one for segments nobody decided on.
    const order = p.steps.map((s) => s.reason);
    expect(order.indexOf('no-clear-match')).toBe(order.indexOf('no-template') - 1);
    expect(p.final).toBe(clearPeople.length);

    await launchAndFinish(first.id);
    expect(await mailedIn(first.id, clearPeople.length)).toEqual(clearPeople);
    const skipped: { email: string; status: string; error_code: string }[] = await t.db.dataSource.query(
      `SELECT c.email, m.status, m.error_code FROM messages m JOIN contacts c ON c.id = m.contact_id
       WHERE m.wave_id = $1 AND m.segment_id = ANY($2) AND c.email = ANY($3)`,
      [first.id, unclearIds, skippedPeople],
    );
    expect(skipped.sort((a, b) => (a.email < b.email ? -1 : 1))).toEqual(
      skippedPeople.map((email) => ({ email, status: 'skipped', error_code: 'no-clear-match' })),
    );

    // A strategist chooses a template by hand (here the weak best): the segment no longer waits.
    for (const s of unclear)
      expect((await decide(s.segmentId, s.ranked[0].template)).body).toMatchObject({
        templateKey: s.ranked[0].template,
        proposedKey: null,
        overridden: true,
      });
    const after = await matrix();
    for (const s of after.segments.filter((x) => unclearIds.includes(x.segmentId)))
      expect(s).toMatchObject({
        proposed: null,
        noClearMatch: true,
        needsHandChoice: false,
        decision: { overridden: true },
      });
    const second = await approvedWave('chosen by hand');
    const q = await preview(second.id);
    expect(excludedBy(q)).toMatchObject({ 'no-clear-match': 0, 'no-template': 0 });
    expect(q.final).toBe(clearPeople.length + skippedPeople.length);
    await launchAndFinish(second.id);
    const everyone = [...clearPeople, ...skippedPeople].sort();
    expect(await mailedIn(second.id, everyone.length)).toEqual(everyone);
  });

  it('does not count an approval of a proposal that is no longer clear as a choice by hand', async () => {
    // As a decision stored when the weak best was still proposed (before MATCH_MIN_SCORE, or under a lower one).
    const { segments } = await matrix();
    const weak = segments.filter((s) => s.noClearMatch);
    await t.db.dataSource.query(
      `UPDATE segment_matches SET overridden = false, proposed_key = template_key WHERE segment_id = ANY($1)`,
      [weak.map((s) => s.segmentId)],
    );
    const again = await matrix();
    for (const s of again.segments.filter((x) => x.noClearMatch))
      expect(s).toMatchObject({ needsHandChoice: true, decision: { overridden: false } });
    const text = await printed(() => matchesCommand(t.db.dataSource, [runId], t.app.get(Env)));
    expect(text).toMatch(
      /but now no clear match .*: waves over approved matches skip it until a template is chosen by hand/,
    );
    const wave = await approvedWave('stale approval');
    const p = await preview(wave.id);
    expect(excludedBy(p)['no-clear-match']).toBe((await reachable(weak.map((s) => s.segmentId))).length);
  });

  it('reads MATCH_MIN_SCORE from the environment and refuses one that is not a number of at least 0', () => {
    expect(loadConfig({ MATCH_MIN_SCORE: '0.35' }).MATCH_MIN_SCORE).toBe(0.35);
    for (const bad of ['high', '-0.1'])
      expect(() => loadConfig({ MATCH_MIN_SCORE: bad })).toThrow(ConfigError);
    expect(() => loadConfig({ MATCH_MIN_SCORE: 'high' })).toThrow(/MATCH_MIN_SCORE must be a number/);
  });
});
