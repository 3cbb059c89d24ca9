// What a wave's live monitor costs: GET /waves/:id/progress (polled every 2 s) over a wave of N messages (default
// 1,000,000), half sent over the last ten minutes, some failed with provider codes, the rest queued. Usage:
// npm run bench -- wave-progress [--messages 1000000] [--smoke (1,000 messages)]
import { parseArgs } from 'node:util';
import { approve, benchDatabase, fixedWave, seedContacts, waveContext } from './waves-lib.js';

const { values } = parseArgs({
  options: { messages: { type: 'string' }, smoke: { type: 'boolean', default: false } },
});
const messages = Number(values.messages ?? (values.smoke ? 1000 : 1000000));
const POLL_S = 2;
const database = await benchDatabase('progress');
try {
  const { app, waves, monitor, db } = await waveContext(database.url);
  await seedContacts(db, messages, 0);
  const wave = await waves.create(fixedWave('email'), null);
  await approve(db, waves, wave.id);
  await waves.launch(wave.id, null);
  await db.query(`UPDATE waves SET launched_at = now() - interval '10 minutes' WHERE id = $1`, [wave.id]);
  // Half sent, spread over the ten minutes; 1 % failed with SMTP or connection codes; the rest still queued.
  await db.query(
    `UPDATE messages SET status = 'sent', sent_at = now() - (random() * interval '10 minutes')
     WHERE wave_id = $1 AND abs(hashtext(id::text)) % 100 < 50`,
    [wave.id],
  );
  await db.query(
    `UPDATE messages SET status = 'failed', error_code = (ARRAY['smtp-550', 'smtp-552', 'econnrefused'])[1 + abs(hashtext(id::text)) % 3]
     WHERE wave_id = $1 AND status = 'queued' AND abs(hashtext(id::text)) % 100 = 99`,
    [wave.id],
  );
  await db.query('ANALYZE messages');
  const time = async (call) => {
    const runs = [];
    let answer;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      answer = await call();
      runs.push((performance.now() - t) / 1000);
    }
    return { median: [...runs].sort((a, b) => a - b)[2], runs, answer };
  };
  const progress = await time(() => monitor.progress(wave.id));
  const detail = await time(() => waves.get(wave.id));
  await app.close();
  const p = progress.answer;
  console.log(`\nmonitor of an email wave of ${messages.toLocaleString('en')} messages (median of 5)`);
  console.log(`  GET /waves/:id/progress  ${progress.median.toFixed(3)} s   poll every ${POLL_S} s`);
  console.log(`  GET /waves/:id           ${detail.median.toFixed(3)} s`);
  console.log(
    `  answer: ${p.total} rows, sent ${p.byStatus.sent ?? 0}, failed ${p.byStatus.failed ?? 0}, ${p.sent.buckets.length} buckets, ${p.errors.length} error codes`,
  );
  console.log(
    JSON.stringify({
      messages,
      progress_s: Math.round(progress.median * 1000) / 1000,
      progress_runs_s: progress.runs.map((x) => Math.round(x * 1000) / 1000),
      detail_s: Math.round(detail.median * 1000) / 1000,
      poll_s: POLL_S,
      buckets: p.sent.buckets.length,
    }),
  );
} finally {
  await database.stop();
}
