// The click redirect under load: GET /l/<token> against the API on 127.0.0.1 (autocannon), each request a genuine
// tracked link (a wave's groups × links × 20,000 messages' nonces, so most clicks are a new clicker), with the API
// process's CPU and memory during the run; afterwards the counters are checked against the appended clicks.
// Targets: ≥ 2,000 requests/s, p99 < 50 ms. Usage: npm run bench -- click-redirect [--seconds 20]
// [--connections 32] [--smoke (2 s)]
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { clearInterval, setInterval } from 'node:timers';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { signClick } from '../dist/links/click-token.js';
import { parseKeys } from '../dist/links/signed-links.js';
import { approve, benchDatabase, fixedWave, root, seedContacts, waveContext } from './waves-lib.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string' },
    connections: { type: 'string' },
    smoke: { type: 'boolean', default: false },
  },
});
const seconds = Number(values.seconds ?? (values.smoke ? 2 : 20));
const connections = Number(values.connections ?? (values.smoke ? 4 : 32));
const MESSAGES = values.smoke ? 200 : 20_000;
const LINKS = ['https://example.org/miete', 'https://example.org/termine', 'https://example.org/spenden'];
const KEYS = 'bench:bench-secret-that-is-long-enough-0000000';
const TICKS = 100; // USER_HZ: /proc's CPU times are in hundredths of a second

const database = await benchDatabase('clicks');
let api;
try {
  // A launched wave of 100 contacts in two languages, whose template version links to three addresses.
  const { app, waves, db } = await waveContext(database.url);
  await seedContacts(db, 100, 0);
  const wave = await waves.create(fixedWave('email'), null);
  await approve(db, waves, wave.id);
  await waves.launch(wave.id, null);
  await app.close();
  const client = new pg.Client(database.url);
  await client.connect();
  await client.query(
    `UPDATE issue_template_versions v SET links = $1 FROM issue_templates t
     WHERE t.id = v.template_id AND t.key = 'housing'`,
    [JSON.stringify(LINKS)],
  );
  const { rows: targets } = await client.query(
    `INSERT INTO click_targets (wave_id, template_key, template_version, language, expires_at)
     SELECT $1, 'housing', t.version, l, now() + interval '90 days'
     FROM issue_templates t CROSS JOIN (VALUES ('de'), ('en')) AS g(l) WHERE t.key = 'housing' RETURNING id`,
    [wave.id],
  );
  // What the dispatcher would have written into MESSAGES mails: one nonce per mail, its group's target, each link.
  const keys = parseKeys(KEYS);
  const paths = [];
  for (let m = 0; m < MESSAGES; m++) {
    const target = targets[m % targets.length].id;
    const nonce = Math.floor(Math.random() * 2 ** 40);
    for (let link = 0; link < LINKS.length; link++)
      paths.push(`/l/${signClick({ target, link, nonce }, keys)}`);
  }
  paths.sort(() => Math.random() - 0.5);

  const port = 3900 + Math.floor(Math.random() * 90);
  const env = {
    ...process.env,
    DATABASE_URL: database.url,
    DATA_DIR: join(database.work, 'data'),
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DISPATCH_IN_API: 'false',
    LINK_KEYS: KEYS,
  };
  api = spawn(process.execPath, [join(root, 'dist/main.js')], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {
      if (i > 600) throw new Error('the API did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const check = await fetch(`${base}${paths[0]}`, { redirect: 'manual' });
  if (check.status !== 302) throw new Error(`a genuine link answered ${check.status}`);

  const cpu = async () => {
    const fields = (await readFile(`/proc/${api.pid}/stat`, 'utf8')).split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS; // utime + stime, in seconds
  };
  const rss = async () =>
    Number(/VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${api.pid}/status`, 'utf8'))[1]) / 1024;
  const idleRss = await rss();
  let peakRss = idleRss;
  const sampler = setInterval(() => {
    rss().then(
      (r) => (peakRss = Math.max(peakRss, r)),
      () => {},
    );
  }, 200);
  let next = 0;
  const cpuBefore = await cpu();
  const started = performance.now();
  const result = await autocannon({
    url: base,
    connections,
    duration: seconds,
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: paths[next++ % paths.length] }) }],
  });
  const wall = (performance.now() - started) / 1000;
  const cpuUsed = (await cpu()) - cpuBefore;
  clearInterval(sampler);

  const {
    rows: [counted],
  } = await client.query(
    `SELECT (SELECT coalesce(sum(clicks), 0)::int FROM link_click_counts) AS clicks,
       (SELECT coalesce(sum(unique_clicks), 0)::int FROM link_click_counts) AS unique_clicks,
       (SELECT count(*)::int FROM link_clicks) AS appended,
       (SELECT count(*)::int FROM link_click_nonces) AS nonces`,
  );
  await client.end();
  const redirected = result['3xx'];
  const perSecond = result.requests.average;
  const p99 = result.latency.p99;
  console.log(`\nclick redirect GET /l/<token>, ${connections} connections for ${seconds} s on 127.0.0.1`);
  console.log(`| figure                 | value        | target    |`);
  console.log(`| ---------------------- | ------------ | --------- |`);
  console.log(`| requests/s (mean)      | ${perSecond.toFixed(0).padStart(12)} | ≥ 2,000   |`);
  console.log(`| latency p50 / p99 (ms) | ${`${result.latency.p50} / ${p99}`.padStart(12)} | p99 < 50  |`);
  console.log(`| redirects (302)        | ${String(redirected).padStart(12)} |           |`);
  console.log(
    `| other answers, errors  | ${`${result.non2xx - redirected}, ${result.errors + result.timeouts}`.padStart(12)} | 0, 0      |`,
  );
  console.log(`| API CPU (cores busy)   | ${(cpuUsed / wall).toFixed(2).padStart(12)} |           |`);
  console.log(
    `| API RSS idle / peak MB | ${`${idleRss.toFixed(0)} / ${peakRss.toFixed(0)}`.padStart(12)} |           |`,
  );
  console.log(
    `| counted = appended     | ${`${counted.clicks} = ${counted.appended}`.padStart(12)} |           |`,
  );
  console.log(
    `| distinct = nonces      | ${`${counted.unique_clicks} = ${counted.nonces}`.padStart(12)} |           |`,
  );
  // The check request before the run is a click too, and so may be those under way when the run stopped.
  const answered = redirected + 1;
  if (
    counted.clicks !== counted.appended ||
    counted.clicks < answered ||
    counted.clicks > answered + connections ||
    counted.unique_clicks !== counted.nonces
  )
    throw new Error(`the counters disagree with the clicks: ${JSON.stringify({ counted, redirected })}`);
  console.log(
    JSON.stringify({
      seconds,
      connections,
      requests_per_s: Math.round(perSecond),
      p50_ms: result.latency.p50,
      p99_ms: p99,
      redirects: redirected,
      errors: result.errors + result.timeouts + result.non2xx - redirected,
      api_cpu_cores: Math.round((cpuUsed / wall) * 100) / 100,
      api_rss_idle_mb: Math.round(idleRss),
      api_rss_peak_mb: Math.round(peakRss),
      clicks_counted: counted.clicks,
      unique_clicks: counted.unique_clicks,
    }),
  );
} finally {
  api?.kill();
  await database.stop();
}
