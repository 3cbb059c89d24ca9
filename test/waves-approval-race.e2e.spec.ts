import { startTestApp, type TestApp } from './app.js';
import { loadWaveData } from './waves.js';

/** 24 contacts with confirmed email consent: 8 in English, 8 in Turkish. */
const N = 60;
const TRIALS = 240;
/** Every order of the three requests, each started this many ms after the one before. */
const ORDERS = [
  ['approve', 'change', 'launch'],
  ['approve', 'launch', 'change'],
  ['change', 'approve', 'launch'],
  ['change', 'launch', 'approve'],
  ['launch', 'approve', 'change'],
  ['launch', 'change', 'approve'],
] as const;
const GAPS_MS = [0, 1, 2, 4, 7];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Step = (typeof ORDERS)[number][number];
interface Entry {
  action: string;
  details: { revision?: number; recipients?: number; approvedRevision?: number; changed?: string[] };
}

describe('approve, change and launch sent together', () => {
  let t: TestApp;
  const as = (role: 'staff' | 'strategist' | 'admin') => t.as(role);

  beforeAll(async () => {
    t = await startTestApp({ APPROVAL_THRESHOLD: '5', DISPATCH_IN_API: 'false', FREQUENCY_CAP: 'off' });
    await loadWaveData(t, N);
  });
  afterAll(() => t.close());

  it(`in ${TRIALS} trials in every order, no launch proceeds on an approval older than the last change (judged from the ledger and the audit log)`, async () => {
    const trials: { id: string; order: readonly Step[]; gap: number; answers: Record<Step, number> }[] = [];
    for (let i = 0; i < TRIALS; i++) {
      const order = ORDERS[i % ORDERS.length];
      const gap = GAPS_MS[Math.floor(i / ORDERS.length) % GAPS_MS.length];
      const { id } = (
        await t
          .http()
          .post('/waves')
          .set(as('staff'))
          .send({
            name: `race ${i}`,
            channel: 'email',
            purpose: 'campaign-news',
            audience: { languages: ['en'] },
            templateStrategy: 'fixed',
            templateKey: 'peace',
          })
          .expect(201)
      ).body as { id: string };
      // What the approver saw: the wave for English speakers only, 8 people.
      const seen = (await t.http().post(`/waves/${id}/preview`).set(as('strategist')).expect(200)).body;
      expect([seen.revision, seen.final]).toEqual([1, 8]);
      const send: Record<Step, () => Promise<number>> = {
        approve: async () =>
          (
            await t
              .http()
              .post(`/waves/${id}/approve`)
              .set(as('strategist'))
              .send({ revision: seen.revision })
          ).status,
        change: async () =>
          (
            await t
              .http()
              .patch(`/waves/${id}`)
              .set(as('admin'))
              .send({ audience: { languages: ['en', 'tr'] } })
          ).status,
        launch: async () => (await t.http().post(`/waves/${id}/launch`).set(as('staff'))).status,
      };
      const answers = {} as Record<Step, number>;
      await Promise.all(
        order.map(async (step, k) => {
          await sleep(gap * k);
          answers[step] = await send[step]();
        }),
      );
      trials.push({ id, order, gap, answers });
    }

    let proceeded = 0;
    let refused = 0;
    let onStaleApproval = 0;
    for (const trial of trials) {
      const entries: Entry[] = await t.db.dataSource.query(
        `SELECT action, details FROM audit_log WHERE entity_type = 'wave' AND entity_id = $1 ORDER BY id`,
        [trial.id],
      );
      const ledger: { language: string; n: number }[] = await t.db.dataSource.query(
        `SELECT c.language, count(*)::int AS n FROM messages m JOIN contacts c ON c.id = m.contact_id
         WHERE m.wave_id = $1 AND m.status <> 'skipped' GROUP BY c.language`,
        [trial.id],
      );
      const at = (action: string) => entries.findIndex((e) => e.action === action);
      const launchAt = at('wave.launch');
      // Every answer matches what was written: a 200 has its entry, a refusal none.
      expect(trial.answers.launch === 200).toBe(launchAt >= 0);
      expect(trial.answers.approve === 200).toBe(at('wave.approve') >= 0);
      expect(trial.answers.change === 200).toBe(at('wave.update') >= 0);
      if (launchAt < 0) {
        refused++;
        expect(ledger).toEqual([]);
        continue;
      }
      proceeded++;
      const launch = entries[launchAt];
      const before = entries.slice(0, launchAt);
      const lastChange = before.map((e) => e.action).lastIndexOf('wave.update');
      const lastApproval = before.map((e) => e.action).lastIndexOf('wave.approve');
      // The approval the launch went on: given after the last change, of the revision launched, which is the one
      // its approver saw; and the ledger holds the audience of that revision.
      const stale =
        lastApproval < 0 ||
        lastChange > lastApproval ||
        entries[lastApproval].details.revision !== launch.details.revision ||
        launch.details.approvedRevision !== launch.details.revision ||
        launch.details.revision !== 1 ||
        ledger.some((g) => g.language !== 'en');
      if (stale) onStaleApproval++;
      expect(ledger).toEqual([{ language: 'en', n: 8 }]);
      expect(launch.details.recipients).toBe(8);
      // Nothing changed the wave after its launch.
      expect(entries.slice(launchAt + 1).map((e) => e.action)).toEqual([]);
    }
    console.log(
      `${TRIALS} trials: ${proceeded} launches proceeded, ${refused} refused, ${onStaleApproval} on an approval older than the last change`,
    );
    expect(proceeded + refused).toBe(TRIALS);
    expect(onStaleApproval).toBe(0);
    // Both outcomes happen, so that the judging above was put to work.
    expect(proceeded).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  }, 600_000);
});
