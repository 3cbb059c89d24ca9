// npm run bench -- <name> [options]: runs bench/<name>.js (the project is built first by the npm script).
// npm run bench -- --smoke <name>|all: the same at a tiny size, in seconds, to show the benchmark still works (CI runs
// `all`): each must exit 0 and print its figures as JSON on its last line. A comparison that needs a program this
// machine lacks (scikit-learn) is skipped, and the table says so; our own code path always runs.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

// Every script here is a benchmark but these helpers, so a new one is in `all` (and must take --smoke) from the start.
const HELPERS = ['run', 'waves-lib', 'smtp-sink', 'twilio-sink'];
const BENCHMARKS = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith('.js'))
  .map((f) => f.slice(0, -3))
  .filter((b) => !HELPERS.includes(b))
  .sort();
const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const at = args.findIndex((a) => !a.startsWith('--'));
const name = args[at];
const rest = args.filter((_, i) => i !== at);
const script = (bench) => new URL(`./${bench}.js`, import.meta.url);
if (!name || (name !== 'all' && !existsSync(script(name))) || (name === 'all' && !smoke)) {
  console.error(
    `usage: npm run bench -- [--smoke] <name> [options]   (available: ${BENCHMARKS.join(', ')})\n` +
      '       npm run bench -- --smoke all                 (every benchmark at a tiny size)',
  );
  process.exit(2);
}

/** Runs one benchmark, its output passed through; resolves to its exit code and the last line it printed. */
function runOne(bench, options) {
  return new Promise((done) => {
    const child = spawn(process.execPath, [script(bench).pathname, ...options], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let tail = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString()).slice(-65536);
    });
    // A smoke run takes seconds: one that hangs is broken, and must not hold up CI.
    const timer = smoke ? setTimeout(() => child.kill('SIGKILL'), 5 * 60 * 1000) : undefined;
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      done({ code: code ?? 1, signal, last: tail.trim().split('\n').pop() ?? '' });
    });
  });
}

const isJsonObject = (line) => {
  try {
    const value = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
};

const failures = [];
for (const bench of name === 'all' ? BENCHMARKS : [name]) {
  if (name === 'all') console.log(`\n=== ${bench} (smoke: tiny sizes, the targets do not apply) ===`);
  const started = performance.now();
  const { code, signal, last } = await runOne(bench, rest);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (code !== 0) failures.push(`${bench}: exited ${signal ?? code} after ${seconds} s`);
  else if (smoke && !isJsonObject(last)) failures.push(`${bench}: its last line is not JSON: ${last}`);
  else if (name === 'all') console.log(`=== ${bench}: ok in ${seconds} s ===`);
}
if (failures.length) {
  console.error(`\nbenchmarks failed:\n${failures.map((f) => `  ${f}`).join('\n')}`);
  process.exit(1);
}
