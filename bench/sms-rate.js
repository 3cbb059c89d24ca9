// SMS pacing: N messages (default 20,000) through the twilio SDK to a Twilio-compatible server on 127.0.0.1 with a
// configured rate (default 200/s): the achieved rate, first to last arrival.
// Usage: npm run bench -- sms-rate [--messages 20000] [--rate 200] [--smoke (200 messages)]
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchDatabase, launchedWave, root, startWorker, until } from './waves-lib.js';

const { values } = parseArgs({
  options: {
    messages: { type: 'string' },
    rate: { type: 'string', default: '200' },
    smoke: { type: 'boolean', default: false },
  },
});
const messages = Number(values.messages ?? (values.smoke ? 200 : 20000));
const rate = Number(values.rate);
const database = await benchDatabase('sms');
const sink = fork(join(root, 'bench/twilio-sink.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const port = await new Promise((done) => sink.once('message', (m) => done(m.port)));
const stats = () =>
  new Promise((done) => {
    sink.once('message', done);
    sink.send('stats');
  });
try {
  await launchedWave(database.url, 'sms', messages, 'transit');
  const worker = await startWorker(database.url, {
    TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
    TWILIO_AUTH_TOKEN: 'bench-token',
    TWILIO_FROM: '+4915730000000',
    TWILIO_API_URL: `http://127.0.0.1:${port}`,
    SMS_PER_SECOND: String(rate),
    SMS_CONCURRENCY: '20',
    DATA_DIR: join(database.work, 'worker'),
  });
  await until(async () => (await stats()).count >= messages, 500);
  await worker.stop();
  const { count, seconds } = await stats();
  const achieved = (count - 1) / seconds;
  const deviation = (achieved - rate) / rate;
  console.log(`\nSMS, ${count.toLocaleString('en')} messages at a configured ${rate}/s`);
  console.log(
    `  achieved ${achieved.toFixed(1)}/s over ${seconds.toFixed(1)} s, ${(deviation * 100).toFixed(1)} % off (target within 5 %)`,
  );
  console.log(
    JSON.stringify({
      messages: count,
      configured_per_s: rate,
      achieved_per_s: Math.round(achieved * 10) / 10,
      deviation_pct: Math.round(deviation * 1000) / 10,
    }),
  );
} finally {
  sink.kill();
  await database.stop();
}
