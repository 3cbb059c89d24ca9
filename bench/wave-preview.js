// Preview and launch of a wave over N contacts (default 1,000,000): the dry run's answer time (median of three)
// and the time to materialise the ledger. Usage:
// npm run bench -- wave-preview [--contacts 1000000] [--channel sms] [--suppressions N (erased addresses on the list)]
// [--smoke (1,000 contacts)]
import { parseArgs } from 'node:util';
import { approve, benchDatabase, fixedWave, seedContacts, waveContext } from './waves-lib.js';

const { values } = parseArgs({
  options: {
    contacts: { type: 'string' },
    channel: { type: 'string', default: 'email' },
    suppressions: { type: 'string', default: '0' },
    smoke: { type: 'boolean', default: false },
  },
});
const contacts = Number(values.contacts ?? (values.smoke ? 1000 : 1000000));
const database = await benchDatabase('preview');
try {
  const { app, waves, previews, db } = await waveContext(database.url);
  let t = performance.now();
  await seedContacts(db, contacts);
  await db.query(
    `INSERT INTO suppressions (hash, channel, reason)
     SELECT suppression_hash('gone' || i || '@example.org'), 'email', 'erased' FROM generate_series(1, $1) AS i`,
    [Number(values.suppressions)],
  );
  const seedS = (performance.now() - t) / 1000;
  const wave = await waves.create(fixedWave(values.channel), null);
  const times = [];
  let preview;
  for (let i = 0; i < 3; i++) {
    t = performance.now();
    preview = await previews.preview(wave.id);
    times.push((performance.now() - t) / 1000);
  }
  const previewS = [...times].sort((a, b) => a - b)[1];
  await approve(db, waves, wave.id);
  t = performance.now();
  const launched = await waves.launch(wave.id, null);
  const launchS = (performance.now() - t) / 1000;
  await app.close();
  console.log(
    `\n${values.channel} wave over ${contacts.toLocaleString('en')} contacts, ${values.suppressions} suppressed addresses (seeded in ${seedS.toFixed(1)} s)`,
  );
  console.log(
    `  preview (median of 3)   ${previewS.toFixed(2)} s   target < 2 s   audience ${preview.audience}, final ${preview.final}`,
  );
  console.log(
    `  launch (ledger rows)    ${launchS.toFixed(1)} s   target < 30 s  ${launched.progress.total} rows`,
  );
  for (const s of preview.steps.filter((s) => s.excluded)) console.log(`    − ${s.reason}: ${s.excluded}`);
  console.log(
    JSON.stringify({
      contacts,
      channel: values.channel,
      suppressions: Number(values.suppressions),
      preview_s: Math.round(previewS * 100) / 100,
      preview_runs_s: times.map((x) => Math.round(x * 100) / 100),
      launch_s: Math.round(launchS * 10) / 10,
      ledger_rows: launched.progress.total,
      final: preview.final,
    }),
  );
} finally {
  await database.stop();
}
