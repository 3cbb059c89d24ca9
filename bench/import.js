// Contacts import throughput and memory: N synthetic contacts through the real import path (the CLI, as staff
// would run it) versus plain COPY of the same file into a bare table on the same server.
// Usage: npm run bench -- import [--rows 1000000] [--smoke (1,000 rows)]
import { execFile } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs, promisify } from 'node:util';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { startEmbeddedPostgres } from '../dist/database/embedded-postgres.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: { rows: { type: 'string' }, smoke: { type: 'boolean', default: false } },
});
const rows = Number(values.rows ?? (values.smoke ? 1000 : 1000000));
const work = await mkdtemp(join(tmpdir(), 'bench-import-'));
await chmod(work, 0o755); // the embedded server runs as its own system user when we are root
const server = process.env.DATABASE_URL
  ? { url: process.env.DATABASE_URL, stop: async () => {} }
  : await startEmbeddedPostgres(join(work, 'pg'), { persistent: false });

async function freshDatabase(name) {
  const admin = new pg.Client(server.url.replace(/\/[^/]*$/, '/postgres'));
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return server.url.replace(/\/[^/]*$/, `/${name}`);
}

const cli = (args, url) =>
  run(process.execPath, [join(root, 'dist/cli.js'), ...args], {
    env: { ...process.env, DATABASE_URL: url },
    maxBuffer: 1 << 26,
  });

try {
  const file = join(work, 'contacts.csv');
  const strukturdaten = resolve(root, '../shared/data/btw25_strukturdaten.csv');
  const regions = existsSync(strukturdaten) ? strukturdaten : join(root, 'data-samples/regions.csv');
  let t = performance.now();
  await cli(['generate', '--contacts', String(rows), '--seed', '42', '--regions', regions, '--out', file]);
  const size = (await stat(file)).size;
  console.error(
    `generated ${rows} contacts (${(size / 1e6).toFixed(0)} MB) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );

  const importUrl = await freshDatabase('bench_import');
  await cli(['import', 'regions', regions, '--json'], importUrl);
  t = performance.now();
  const { stdout } = await cli(['import', 'contacts', file, '--json'], importUrl);
  const importSeconds = (performance.now() - t) / 1000;
  const summary = JSON.parse(stdout.trim().split('\n').pop());
  if (summary.status !== 'completed') throw new Error(`import ended ${summary.status}: ${summary.reason}`);

  const copyUrl = await freshDatabase('bench_copy');
  const client = new pg.Client(copyUrl);
  await client.connect();
  const header = (await import('../dist/synthetic/synthetic-contacts.js')).CONTACT_HEADER.split(',');
  await client.query(`CREATE TABLE bare (${header.map((h) => `${h} text`).join(', ')})`);
  t = performance.now();
  await pipeline(
    createReadStream(file),
    client.query(copyStreams.from(`COPY bare FROM STDIN WITH (FORMAT csv, HEADER true)`)),
  );
  const copySeconds = (performance.now() - t) / 1000;
  await client.end();

  const importRate = rows / importSeconds;
  const copyRate = rows / copySeconds;
  const figures = {
    rows,
    import_rows_per_s: Math.round(importRate),
    copy_rows_per_s: Math.round(copyRate),
    ratio: Number((importRate / copyRate).toFixed(3)),
    peak_rss_mb: summary.peakRssMb,
    import_seconds: Number(importSeconds.toFixed(2)),
    copy_seconds: Number(copySeconds.toFixed(2)),
    inserted: summary.inserted,
    rejected: summary.rejected,
    phases_ms: summary.timings,
  };
  const table = [
    ['', 'seconds', 'rows/s'],
    ['validated import (CLI, end to end)', figures.import_seconds, figures.import_rows_per_s],
    ['plain COPY into a bare table', figures.copy_seconds, figures.copy_rows_per_s],
  ];
  console.log(
    `\nContacts import, ${rows} rows (${(size / 1e6).toFixed(0)} MB), ${summary.inserted} inserted, ${summary.rejected} rejected`,
  );
  for (const [a, b, c] of table)
    console.log(`${String(a).padEnd(38)}${String(b).padStart(10)}${String(c).padStart(12)}`);
  const phases = ['read', 'dedupe', 'match', 'insert', 'update', 'consent', 'commit'];
  console.log(`import phases (ms): ${phases.map((p) => `${p} ${summary.timings[p]}`).join(', ')}`);
  console.log(
    `ratio import/COPY: ${figures.ratio} (target >= 0.5)   import peak RSS: ${figures.peak_rss_mb} MB (target < 400)`,
  );
  console.log(JSON.stringify(figures));
} finally {
  await server.stop();
  await rm(work, { recursive: true, force: true });
}
