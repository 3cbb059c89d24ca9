// The API's peak memory while it takes a contacts upload with one 200 MB line (and rows before and after it): the
// line is refused with its number while the file streams, so memory stays near the idle figure. Target: < 300 MB.
// Usage: npm run bench -- long-line [--mb 200] [--smoke (a 2 MB line)]
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, openAsBlob } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { startEmbeddedPostgres } from '../dist/database/embedded-postgres.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: { mb: { type: 'string' }, smoke: { type: 'boolean', default: false } },
});
const megabytes = Number(values.mb ?? (values.smoke ? 2 : 200));
const work = await mkdtemp(join(tmpdir(), 'bench-long-line-'));
await chmod(work, 0o755);
const server = await startEmbeddedPostgres(join(work, 'pg'), { persistent: false });
const port = 3900 + Math.floor(Math.random() * 90);
const env = {
  ...process.env,
  DATABASE_URL: server.url,
  DATA_DIR: join(work, 'data'),
  PORT: String(port),
  LOG_LEVEL: 'warn',
  // The bench signs in with a password alone: a second factor is not what it measures.
  MFA_REQUIRED_ROLES: 'none',
  MAX_UPLOAD_BYTES: String((megabytes + 10) * 1024 * 1024),
};
const peakRss = async (pid) => {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)[1]) / 1024;
};
/** The answer's JSON body; a refusal ends the bench with what the API said, rather than later with an undefined. */
const json = async (response) => {
  if (!response.ok) throw new Error(`${response.url}: ${response.status} ${await response.text()}`);
  return response.json();
};
let api;
try {
  const file = join(work, 'contacts.csv');
  const out = createWriteStream(file);
  out.write('email,first_name,email_consent\nbefore@example.org,Bea,ja\nlong@example.org,');
  const chunk = 'x'.repeat(1024 * 1024);
  for (let i = 0; i < megabytes; i++) if (!out.write(chunk)) await once(out, 'drain');
  out.write(',ja\nafter@example.org,Abe,ja\n');
  await new Promise((done) => out.end(done));

  await run(
    process.execPath,
    [
      join(root, 'dist/cli.js'),
      'user',
      'create-admin',
      '--email',
      'bench@example.org',
      '--password',
      'bench-password-long',
    ],
    { env },
  );
  api = spawn(process.execPath, [join(root, 'dist/main.js')], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {
      if (i > 600) throw new Error('the API did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const idle = await peakRss(api.pid);
  const login = await json(
    await fetch(`${base}/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'bench@example.org', password: 'bench-password-long' }),
    }),
  );
  const auth = { Authorization: `Bearer ${login.token}` };
  const form = new FormData();
  form.set('kind', 'contacts');
  form.set('file', await openAsBlob(file), 'contacts.csv');
  const started = performance.now();
  const created = await json(await fetch(`${base}/imports`, { method: 'POST', headers: auth, body: form }));
  let job;
  do {
    await new Promise((r) => setTimeout(r, 200));
    job = await json(await fetch(`${base}/imports/${created.id}`, { headers: auth }));
  } while (job.status === 'queued' || job.status === 'running');
  const seconds = (performance.now() - started) / 1000;
  const peak = await peakRss(api.pid);
  console.log(`Contacts upload with one ${megabytes} MB line, through POST /imports`);
  console.log(
    `  job ${job.status}: inserted ${job.inserted}, rejected ${job.rejected} (${job.errors.map((e) => `line ${e.line}: ${e.reason}`).join('; ')})`,
  );
  console.log(`  upload and import  ${seconds.toFixed(1)} s`);
  console.log(`  API peak RSS       ${peak.toFixed(0)} MB (idle ${idle.toFixed(0)} MB)   target < 300 MB`);
  console.log(
    JSON.stringify({
      line_mb: megabytes,
      status: job.status,
      inserted: job.inserted,
      rejected: job.rejected,
      seconds: Math.round(seconds * 10) / 10,
      api_peak_rss_mb: Math.round(peak),
      api_idle_rss_mb: Math.round(idle),
    }),
  );
} finally {
  api?.kill('SIGTERM');
  if (api) await once(api, 'exit');
  await server.stop();
  await rm(work, { recursive: true, force: true });
}
