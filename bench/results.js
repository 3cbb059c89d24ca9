// What a wave's results and its live monitor cost once they read counters: GET /waves/:id/results and
// GET /waves/:id/progress over a wave of N messages (default 1,000,000) in 8 segments × 2 template versions × 2
// languages, 60 % handed over in the last ten minutes (a fifth of them delivered, some bounced or failed later), 1 %
// bounced hard, 0.5 % soft, 0.5 % failed otherwise, the rest queued. Beside them, the monitor's former query over
// the ledger rows, for comparison. Usage: npm run bench -- results [--messages 1000000] [--smoke (1,000 messages)]
import { parseArgs } from 'node:util';
import { WaveResults } from '../dist/waves/results.service.js';
import { approve, benchDatabase, fixedWave, seedContacts, waveContext } from './waves-lib.js';

const { values } = parseArgs({
  options: { messages: { type: 'string' }, smoke: { type: 'boolean', default: false } },
});
const messages = Number(values.messages ?? (values.smoke ? 1000 : 1000000));
const TARGET_RESULTS_S = 0.2;
const TARGET_POLL_S = 0.05;
/** The monitor's query before the counters: one pass over the wave's rows. */
const LEDGER_SCAN_SQL = `SELECT status, error_code AS code,
    (floor(extract(epoch FROM sent_at) / $2::int) * $2::int)::float8 AS bucket, count(*)::int AS n,
    (count(*) FILTER (WHERE sent_at > now() - interval '60 seconds'))::int AS recent
  FROM messages WHERE wave_id = $1 GROUP BY 1, 2, 3`;

const database = await benchDatabase('results');
try {
  const { app, waves, monitor, db } = await waveContext(database.url);
  const results = app.get(WaveResults);
  await seedContacts(db, messages, 0);
  const wave = await waves.create(fixedWave('email'), null);
  await approve(db, waves, wave.id);
  let t = performance.now();
  await waves.launch(wave.id, null);
  const launchS = (performance.now() - t) / 1000;
  await db.query(`UPDATE waves SET launched_at = now() - interval '10 minutes' WHERE id = $1`, [wave.id]);
  // Every row of the wave changes in one statement, as the heaviest statement the counters' trigger can meet.
  t = performance.now();
  await db.query(
    `WITH spread AS (SELECT id, abs(hashtext(id::text)) % 1000 AS p FROM messages WHERE wave_id = $1)
     UPDATE messages m SET
       segment_id = ('00000000-0000-4000-8000-00000000000' || (s.p % 8))::uuid,
       template_version = 1 + (s.p / 8) % 2,
       status = CASE WHEN s.p < 120 THEN 'delivered' WHEN s.p < 590 THEN 'sent' WHEN s.p < 595 THEN 'bounced'
         WHEN s.p < 600 THEN 'failed' WHEN s.p < 610 THEN 'bounced' WHEN s.p < 615 THEN 'failed'
         WHEN s.p < 620 THEN 'failed' ELSE 'queued' END,
       error_code = CASE WHEN s.p >= 590 AND s.p < 595 THEN 'smtp-550' WHEN s.p >= 595 AND s.p < 600 THEN 'smtp-554'
         WHEN s.p >= 600 AND s.p < 610 THEN 'smtp-550' WHEN s.p >= 610 AND s.p < 615 THEN 'smtp-452'
         WHEN s.p >= 615 AND s.p < 620 THEN 'econnrefused' END,
       sent_at = CASE WHEN s.p < 600 THEN now() - (random() * interval '10 minutes') END
     FROM spread s WHERE m.id = s.id`,
    [wave.id],
  );
  const seedS = (performance.now() - t) / 1000;
  // What arrives beside the counters: opt-outs through the wave's links (0.3 % of those handed over), complaints
  // (0.05 %), and clicks on two links of each group (one row per link and group, as the redirect keeps them).
  await db.query(
    `INSERT INTO wave_opt_outs (wave_id, message_id, segment_id, template_key, template_version, language, channel,
       via, occurred_at)
     SELECT wave_id, id, segment_id, template_key, template_version, language, channel, 'link', date_trunc('minute', now())
     FROM messages WHERE wave_id = $1 AND sent_at IS NOT NULL AND abs(hashtext(id::text || 'o')) % 1000 < 3`,
    [wave.id],
  );
  await db.query(
    `INSERT INTO message_events (message_id, channel, provider_id, reported, applied, wave_id)
     SELECT id, channel, 'bench-' || id, 'complaint', false, wave_id
     FROM messages WHERE wave_id = $1 AND sent_at IS NOT NULL AND abs(hashtext(id::text || 'c')) % 10000 < 5`,
    [wave.id],
  );
  await db.query(
    `WITH groups AS (
       SELECT DISTINCT wave_id, segment_id, template_key, template_version, language FROM messages WHERE wave_id = $1
     ), targets AS (
       INSERT INTO click_targets (wave_id, segment_id, template_key, template_version, language, expires_at)
       SELECT *, now() + interval '90 days' FROM groups RETURNING *
     )
     INSERT INTO link_click_counts (wave_id, segment_id, template_key, template_version, language, target_id,
       link_index, clicks, unique_clicks)
     SELECT wave_id, segment_id, template_key, template_version, language, id, link, 900 + link, 600 + link
     FROM targets CROSS JOIN generate_series(0, 1) AS link`,
    [wave.id],
  );
  await db.query('ANALYZE message_events');
  await db.query('ANALYZE messages');
  await db.query('ANALYZE wave_counts');
  await db.query('ANALYZE wave_count_times');
  const time = async (call) => {
    const runs = [];
    let answer;
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      answer = await call();
      runs.push((performance.now() - start) / 1000);
    }
    return { median: [...runs].sort((a, b) => a - b)[2], runs, answer };
  };
  const whole = await time(() => results.results(wave.id, 'strategist'));
  const poll = await time(() => monitor.progress(wave.id));
  const scan = await time(() => db.query(LEDGER_SCAN_SQL, [wave.id, 10]));
  const counters = await db.query(
    `SELECT (SELECT count(*) FROM wave_counts WHERE wave_id = $1)::int AS counts,
       (SELECT count(*) FROM wave_count_times WHERE wave_id = $1)::int AS times`,
    [wave.id],
  );
  await app.close();
  const r = whole.answer;
  const ms = (s) => `${(s * 1000).toFixed(1)} ms`;
  console.log(`\nresults of an email wave of ${messages.toLocaleString('en')} messages (median of 5)`);
  console.log(
    `  GET /waves/:id/results     ${ms(whole.median).padStart(10)}   target < ${ms(TARGET_RESULTS_S)}`,
  );
  console.log(`  GET /waves/:id/progress    ${ms(poll.median).padStart(10)}   target < ${ms(TARGET_POLL_S)}`);
  console.log(`  former monitor query       ${ms(scan.median).padStart(10)}   (a pass over the ledger rows)`);
  console.log(`  launch (rows and counters) ${launchS.toFixed(1).padStart(8)} s`);
  console.log(
    `  one UPDATE of every row    ${seedS.toFixed(1).padStart(8)} s   (the counters kept in the same statement)`,
  );
  console.log(
    `  answer: ${r.groups.length} groups, handed over ${r.totals.handedOver}, delivered ${r.totals.delivered}, ` +
      `bounced ${r.totals.bounced} (${r.totals.softBounces} soft), failed ${r.totals.failed}, ` +
      `opt-outs ${r.totals.optOuts}, complaints ${r.totals.complaints}, clicks ${r.groups.reduce((n, g) => n + (g.clicks ?? []).reduce((m, l) => m + l.clicks, 0), 0)}; ` +
      `${counters[0].counts} counter rows, ${counters[0].times} time rows`,
  );
  console.log(
    JSON.stringify({
      messages,
      results_ms: Math.round(whole.median * 10000) / 10,
      results_runs_ms: whole.runs.map((x) => Math.round(x * 10000) / 10),
      progress_ms: Math.round(poll.median * 10000) / 10,
      progress_runs_ms: poll.runs.map((x) => Math.round(x * 10000) / 10),
      ledger_scan_ms: Math.round(scan.median * 10000) / 10,
      launch_s: Math.round(launchS * 10) / 10,
      update_all_s: Math.round(seedS * 10) / 10,
      groups: r.groups.length,
      counter_rows: counters[0].counts,
      time_rows: counters[0].times,
      results_ok: whole.median < TARGET_RESULTS_S,
      progress_ok: poll.median < TARGET_POLL_S,
    }),
  );
} finally {
  await database.stop();
}
