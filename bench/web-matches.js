// The matches screen in a real Chromium over the demo data: the time from navigating to the screen (a full page load,
// signed in, browser warm) until its table of templates shows, and the API's answer times on that page; median of
// five after one warm-up. Usage: npm run bench -- web-matches [--runs 5] [--smoke (one measurement)]
import sparticuz from '@sparticuz/chromium';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { createApp } from '../dist/app.js';
import { loadConfig } from '../dist/config/config.js';
import { loadDemo } from '../dist/demo.js';
import { benchDatabase } from './waves-lib.js';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, smoke: { type: 'boolean', default: false } },
});
const runs = values.smoke ? 1 : Number(values.runs);
const TARGET_MS = 1000;

const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const database = await benchDatabase('web-matches');
const dataDir = await mkdtemp(join(tmpdir(), 'bench-web-matches-data-'));
await chmod(dataDir, 0o755);
const env = loadConfig({
  DATA_DIR: dataDir,
  LOG_LEVEL: 'error',
  MFA_REQUIRED_ROLES: 'none',
  LOGIN_ATTEMPTS_PER_MINUTE: '1000',
});
const app = await createApp(env, database.url);
let browser;
try {
  await app.listen(0, '127.0.0.1');
  const log = console.log;
  console.log = () => {}; // the demo's own lines (how to log in) are not the benchmark's
  await loadDemo(app, env);
  console.log = log;
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const password = (await readFile(join(dataDir, 'demo-admin.txt'), 'utf8')).trim();

  const args = sparticuz.args.filter((a) => a !== '--single-process');
  browser = await chromium.launch({ executablePath: await sparticuz.executablePath(), args });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${url}/app/`);
  await page.getByLabel(/E-Mail|Email/).fill('admin@example.org');
  await page.getByLabel(/Passwort|Password/).fill(password);
  await page.getByRole('button', { name: /Anmelden|Sign in/ }).click();
  await page.waitForSelector('nav');
  // The session cookie signs the page's own requests.
  const runId = await page.evaluate(async () => (await (await fetch('/segmentations')).json())[0].id);
  const screen = `${url}/app/#/segmentations/${runId}/matches`;

  /** One full load of the screen: milliseconds from navigation to the table, and each API answer's end. */
  async function measure() {
    await page.goto('about:blank');
    const start = Date.now();
    await page.goto(screen);
    await page.waitForSelector('table.ranked tbody tr', { state: 'visible' });
    const shownMs = Date.now() - start;
    const api = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .filter((r) => r.initiatorType === 'fetch')
        .map((r) => ({
          path: new URL(r.name).pathname,
          ms: Math.round(r.responseEnd - r.startTime),
          end: Math.round(r.responseEnd),
        })),
    );
    return { shownMs, api };
  }

  await measure(); // warm-up: the browser's cache, the server's first queries
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(await measure());

  const shown = samples.map((s) => s.shownMs);
  const lastAnswer = samples.map((s) => Math.max(0, ...s.api.map((a) => a.end)));
  const requests = samples[0].api;
  console.log(
    `\nMatches screen over the demo data (${runs} load${runs > 1 ? 's' : ''} after a warm-up, Chromium)`,
  );
  console.log(
    `  navigation → table shown   ${median(shown)} ms (median)   target < ${TARGET_MS} ms   [${shown.join(', ')}]`,
  );
  console.log(`  last API answer at         ${median(lastAnswer)} ms (median, from navigation)`);
  console.log(`  API requests per load      ${requests.length}`);
  for (const r of requests) console.log(`    ${r.path.padEnd(70)} ${String(r.ms).padStart(5)} ms`);
  console.log(
    JSON.stringify({
      runs,
      shown_ms: median(shown),
      shown_runs_ms: shown,
      last_api_answer_ms: median(lastAnswer),
      api_requests: requests.length,
      target_ms: TARGET_MS,
    }),
  );
} finally {
  await browser?.close();
  await app.close();
  await database.stop();
  await rm(dataDir, { recursive: true, force: true });
}
