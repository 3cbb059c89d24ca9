// Memory of the dispatching process: peak RSS of a worker sending a 10,000-message wave and a 1,000,000-message
// wave to an SMTP sink. Usage: npm run bench -- wave-memory [--small 10000] [--large 1000000] [--smoke (100 and 1,000)]
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchDatabase, launchedWave, smtpSink, startWorker, until } from './waves-lib.js';

const { values } = parseArgs({
  options: {
    small: { type: 'string' },
    large: { type: 'string' },
    smoke: { type: 'boolean', default: false },
  },
});
values.small ??= values.smoke ? '100' : '10000';
values.large ??= values.smoke ? '1000' : '1000000';

async function peak(messages) {
  const database = await benchDatabase('memory');
  const sink = await smtpSink();
  try {
    await launchedWave(database.url, 'email', messages);
    const worker = await startWorker(database.url, {
      SMTP_URL: sink.url,
      EMAIL_PER_SECOND: '0',
      DATA_DIR: join(database.work, 'worker'),
    });
    const t = performance.now();
    await until(async () => (await sink.count()) >= messages, 1000);
    const seconds = (performance.now() - t) / 1000;
    const rss = await worker.peakRssMb();
    await worker.stop();
    return { rss, seconds };
  } finally {
    sink.stop();
    await database.stop();
  }
}

const small = await peak(Number(values.small));
const large = await peak(Number(values.large));
const ratio = large.rss / small.rss;
console.log(`\nPeak RSS of the worker process`);
console.log(
  `  ${Number(values.small).toLocaleString('en')} messages: ${small.rss} MB (${small.seconds.toFixed(0)} s)`,
);
console.log(
  `  ${Number(values.large).toLocaleString('en')} messages: ${large.rss} MB (${large.seconds.toFixed(0)} s)`,
);
console.log(`  ratio ${ratio.toFixed(2)} (target <= 1.2)`);
console.log(
  JSON.stringify({
    small: Number(values.small),
    large: Number(values.large),
    small_rss_mb: small.rss,
    large_rss_mb: large.rss,
    ratio: Math.round(ratio * 100) / 100,
  }),
);
