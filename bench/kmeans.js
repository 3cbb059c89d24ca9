// k-means speed and quality: 1,000,000 × 8 seeded Gaussian blobs through our segmentation code and through
// scikit-learn's KMeans(n_clusters=8, init='k-means++', n_init=1, algorithm='lloyd'), both in child processes
// so each peak RSS is its own. Without scikit-learn (python3 -c 'import sklearn' fails) only ours runs.
// Usage: npm run bench -- kmeans [--rows 1000000] [--smoke (2,000 rows)]
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { seededRandom } from '../dist/common/random.js';

const run = promisify(execFile);
const { values } = parseArgs({
  options: {
    rows: { type: 'string' },
    child: { type: 'string' },
    smoke: { type: 'boolean', default: false },
  },
});
const rows = Number(values.rows ?? (values.smoke ? 2000 : 1000000));
const COLS = 8;
const K = 8;

function blobs(path) {
  const random = seededRandom(20250223);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const means = Array.from({ length: K }, () => Array.from({ length: COLS }, () => (random() - 0.5) * 20));
  const data = new Float64Array(rows * COLS);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < COLS; c++) data[r * COLS + c] = means[r % K][c] + normal();
  return writeFile(path, new Uint8Array(data.buffer));
}

if (values.child) {
  // Child: cluster the file with our code and report time, inertia and peak RSS.
  const { readFile } = await import('node:fs/promises');
  const { cluster } = await import('../dist/segmentation/kmeans.js');
  const bytes = await readFile(values.child);
  const data = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
  const t = performance.now();
  const result = cluster({ rows, cols: COLS, data }, K, { seed: 1, restarts: 1 });
  const seconds = (performance.now() - t) / 1000;
  console.log(
    JSON.stringify({
      seconds,
      inertia: result.inertia,
      rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
  process.exit(0);
}

const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const SKLEARN = `
import sys, time, resource, numpy as np
from sklearn.cluster import KMeans
X = np.fromfile(sys.argv[1], dtype=np.float64).reshape(-1, ${COLS})
t = time.perf_counter()
km = KMeans(n_clusters=${K}, init='k-means++', n_init=1, algorithm='lloyd', random_state=1).fit(X)
s = time.perf_counter() - t
print('{"seconds": %f, "inertia": %f, "rss_mb": %d}' % (s, km.inertia_, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024))
`;

const work = await mkdtemp(join(tmpdir(), 'bench-kmeans-'));
try {
  const file = join(work, 'blobs.f64');
  await blobs(file);
  // Shared 2-core machines are noisy: each side runs three times and the median time counts.
  const median = (runs) => [...runs].sort((a, b) => a.seconds - b.seconds)[1];
  const oursRuns = [];
  const sklearnRuns = [];
  const hasSklearn = await run(python, ['-c', 'import sklearn']).then(
    () => true,
    () => false,
  );
  for (let i = 0; i < 3; i++) {
    oursRuns.push(
      JSON.parse(
        (
          await run(process.execPath, [import.meta.filename, '--rows', String(rows), '--child', file], {
            maxBuffer: 1 << 20,
          })
        ).stdout,
      ),
    );
    if (hasSklearn) sklearnRuns.push(JSON.parse((await run(python, ['-c', SKLEARN, file])).stdout));
  }
  const ours = median(oursRuns);
  const sklearn = hasSklearn ? median(sklearnRuns) : undefined;
  const figures = {
    rows,
    ours_s: Number(ours.seconds.toFixed(2)),
    sklearn_s: sklearn ? Number(sklearn.seconds.toFixed(2)) : null,
    ratio: sklearn ? Number((ours.seconds / sklearn.seconds).toFixed(2)) : null,
    inertia_ratio: sklearn ? Number((ours.inertia / sklearn.inertia).toFixed(4)) : null,
    ours_rss_mb: ours.rss_mb,
    sklearn_rss_mb: sklearn ? sklearn.rss_mb : null,
  };
  console.log(`\nk-means, ${rows} × ${COLS}, k = ${K}, one k-means++ start each, median of 3 runs`);
  console.log(
    `${''.padEnd(14)}${'seconds'.padStart(10)}${'inertia'.padStart(16)}${'peak RSS MB'.padStart(14)}`,
  );
  console.log(
    `${'ours'.padEnd(14)}${String(figures.ours_s).padStart(10)}${ours.inertia.toFixed(0).padStart(16)}${String(ours.rss_mb).padStart(14)}`,
  );
  if (sklearn) {
    console.log(
      `${'scikit-learn'.padEnd(14)}${String(figures.sklearn_s).padStart(10)}${sklearn.inertia.toFixed(0).padStart(16)}${String(sklearn.rss_mb).padStart(14)}`,
    );
    console.log(
      `time ratio ${figures.ratio} (target <= 1.5), inertia ratio ${figures.inertia_ratio} (target within 1 %), RSS ratio ${(ours.rss_mb / sklearn.rss_mb).toFixed(2)} (target <= 2)`,
    );
  } else {
    console.log(`${'scikit-learn'.padEnd(14)}   skipped: not installed for ${python}, so no comparison`);
  }
  // A strategist's everyday run: 299 districts × 20 features, k 2–12, 5 restarts each, silhouettes, stability.
  const { prepareFeatures } = await import('../dist/segmentation/features.js');
  const { chooseK, judgeChoice } = await import('../dist/segmentation/choose-k.js');
  const district = seededRandom(299);
  const table = Array.from({ length: 299 }, () => Array.from({ length: 20 }, () => district() * 100));
  const t = performance.now();
  const prepared = prepareFeatures(
    Array.from({ length: 20 }, (_, i) => `f${i}`),
    (key, row) => table[row][Number(key.slice(1))],
    299,
  );
  const choice = chooseK(prepared.matrix, 2, 12, { seed: 42, restarts: 5 });
  judgeChoice(prepared.matrix, choice, { seed: 42, restarts: 5 });
  figures.district_run_s = Number(((performance.now() - t) / 1000).toFixed(3));
  console.log(
    `district run (299 × 20, k 2–12, 5 restarts, silhouettes, stability): ${figures.district_run_s} s (target < 1 s)`,
  );
  console.log(JSON.stringify(figures));
} finally {
  await rm(work, { recursive: true, force: true });
}
