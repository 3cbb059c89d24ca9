// Email throughput: a wave of N messages (default 100,000) sent by a worker process to an SMTP sink on 127.0.0.1,
// against plain nodemailer sending N messages of the same size with the same pool to the same sink. Both have the
// same messages in flight (BENCH_CONCURRENCY, default 10, the worker's EMAIL_CONCURRENCY) and one SMTP connection for
// each, as the worker's transport opens.
// Usage: npm run bench -- email-throughput [--messages 100000] [--smoke (200 messages)]
import { fork } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { benchDatabase, launchedWave, root, smtpSink, startWorker, until } from './waves-lib.js';

const { values } = parseArgs({
  options: {
    messages: { type: 'string' },
    plain: { type: 'string' },
    smoke: { type: 'boolean', default: false },
  },
});
const messages = Number(values.messages ?? (values.smoke ? 200 : 100000));
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);
const perMessage = (cpuMs) => (cpuMs / messages).toFixed(3);

/** The machine's CPU counters (/proc/stat, all cores): on a virtual machine, `steal` is time the host gave to others. */
async function machineCpu() {
  const [user, nice, system, idle, iowait, irq, softirq, steal] = (await readFile('/proc/stat', 'utf8'))
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return { total: user + nice + system + idle + iowait + irq + softirq + steal, steal };
}
// A run during which the host took a large share of the CPU measures the host, not the sender.
const stolenShare = (a, b) => Math.round(((b.steal - a.steal) / (b.total - a.total)) * 100);

if (values.plain) {
  // Child: plain nodemailer, pooled, CONCURRENCY connections and messages in flight.
  const nodemailer = (await import('nodemailer')).default;
  const transport = nodemailer.createTransport({
    url: values.plain,
    pool: true,
    maxConnections: CONCURRENCY,
  });
  const html = `<p>Hallo Name,</p><p>${'Mieten runter, Löhne rauf. '.repeat(20)}</p><p><a href="https://kampagne.example.org/unsubscribe/x">Abmelden</a></p>`;
  const t = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < messages) {
        const i = next++;
        await transport.sendMail({
          from: 'kampagne@example.org',
          to: `c${i}@example.org`,
          subject: 'Bezahlbare Mieten für Musterstadt',
          html,
          text: html.replace(/<[^>]+>/g, ''),
          list: {
            unsubscribe: { url: 'https://kampagne.example.org/unsubscribe/x', comment: 'Unsubscribe' },
          },
          headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
        });
      }
    }),
  );
  transport.close();
  process.send({ seconds: (performance.now() - t) / 1000, cpu: process.cpuUsage() });
  process.exit(0);
}

const database = await benchDatabase('email');
const sink = await smtpSink();
try {
  await launchedWave(database.url, 'email', messages);

  const worker = await startWorker(database.url, {
    SMTP_URL: sink.url,
    EMAIL_PER_SECOND: '0',
    EMAIL_CONCURRENCY: String(CONCURRENCY),
    DATA_DIR: join(database.work, 'worker'),
  });
  const cpuBefore = await worker.cpuSeconds();
  const machineBefore = await machineCpu();
  let t = performance.now();
  await until(async () => (await sink.count()) >= messages, 250);
  const oursS = (performance.now() - t) / 1000;
  const oursCpuMs = ((await worker.cpuSeconds()) - cpuBefore) * 1000;
  const oursStolen = stolenShare(machineBefore, await machineCpu());
  const rss = await worker.peakRssMb();
  await worker.stop();

  const before = await sink.count();
  const plainMachineBefore = await machineCpu();
  const child = fork(join(root, 'bench/email-throughput.js'), [
    '--messages',
    String(messages),
    '--plain',
    sink.url,
  ]);
  const plain = await new Promise((done) => child.once('message', done));
  const plainStolen = stolenShare(plainMachineBefore, await machineCpu());
  const plainCount = (await sink.count()) - before;

  const ours = messages / oursS;
  const plainRate = plainCount / plain.seconds;
  const plainCpuMs = (plain.cpu.user + plain.cpu.system) / 1000;
  console.log(
    `\nEmail, ${messages.toLocaleString('en')} messages to ${sink.name} on 127.0.0.1, ${CONCURRENCY} in flight on ${CONCURRENCY} connections`,
  );
  console.log(
    `  wave (worker process)   ${oursS.toFixed(1)} s   ${Math.round(ours)} msg/s   ${perMessage(oursCpuMs)} ms CPU/msg   ${oursStolen} % stolen   peak RSS ${rss} MB`,
  );
  console.log(
    `  plain nodemailer        ${plain.seconds.toFixed(1)} s   ${Math.round(plainRate)} msg/s   ${perMessage(plainCpuMs)} ms CPU/msg   ${plainStolen} % stolen`,
  );
  const cpuRatio = oursCpuMs / plainCpuMs;
  console.log(`  ratio ${(ours / plainRate).toFixed(2)} (target >= 0.8)`);
  console.log(`  CPU per message ratio ${cpuRatio.toFixed(2)} (target <= 1.1)`);
  console.log(
    JSON.stringify({
      messages,
      sink: sink.name,
      concurrency: CONCURRENCY,
      wave_msgs_per_s: Math.round(ours),
      nodemailer_msgs_per_s: Math.round(plainRate),
      ratio: Math.round((ours / plainRate) * 100) / 100,
      wave_cpu_ms_per_msg: Number(perMessage(oursCpuMs)),
      nodemailer_cpu_ms_per_msg: Number(perMessage(plainCpuMs)),
      cpu_ratio: Math.round(cpuRatio * 100) / 100,
      wave_stolen_pct: oursStolen,
      nodemailer_stolen_pct: plainStolen,
      worker_rss_mb: rss,
    }),
  );
} finally {
  sink.stop();
  await database.stop();
}
