import type { FeatureMatrix } from './features.js';
import { cluster, type Clustering, type KMeansOptions } from './kmeans.js';
import { adjustedRandIndex, silhouette } from './quality.js';

export interface KRow {
  k: number;
  inertia: number;
  silhouette: number;
}

/** Above this many rows, silhouettes are computed on a seeded sample of rows (exact is O(rows²)). */
const SILHOUETTE_SAMPLE = 2000;

function sampleRows(rows: number, seed: number): number[] | undefined {
  if (rows <= SILHOUETTE_SAMPLE) return undefined;
  const step = rows / SILHOUETTE_SAMPLE;
  return Array.from({ length: SILHOUETTE_SAMPLE }, (_, i) =>
    Math.floor(i * step + (seed % Math.max(1, Math.floor(step)))),
  );
}

/**
 * Clusters for every k in the range and keeps the best silhouette; the whole table (inertia and silhouette per
 * k) comes back so a strategist can see the elbow too.
 */
export function chooseK(m: FeatureMatrix, kMin: number, kMax: number, options: KMeansOptions) {
  const table: KRow[] = [];
  let best: Clustering | undefined;
  let bestSilhouette = -Infinity;
  const sample = sampleRows(m.rows, options.seed);
  for (let k = kMin; k <= kMax; k++) {
    const result = cluster(m, k, options);
    const s = silhouette(m, result.labels, k, sample);
    table.push({ k, inertia: result.inertia, silhouette: s });
    if (s > bestSilhouette) {
      bestSilhouette = s;
      best = result;
    }
  }
  return { best: best!, table };
}

/** Mean adjusted Rand index between the chosen clustering and re-runs with other seeds: 1 = fully stable. */
export function stability(m: FeatureMatrix, chosen: Clustering, options: KMeansOptions, reruns = 5): number {
  let sum = 0;
  for (let i = 1; i <= reruns; i++) {
    const other = cluster(m, chosen.k, { ...options, seed: options.seed + 7919 * i });
    sum += adjustedRandIndex(chosen.labels, other.labels);
  }
  return sum / reruns;
}
