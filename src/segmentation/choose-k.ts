import type { FeatureMatrix } from './features.js';
import { cluster, type Clustering, type KMeansOptions } from './kmeans.js';
import { adjustedRandIndex, silhouette, silhouettes } from './quality.js';

export interface KRow {
  k: number;
  inertia: number;
  silhouette: number;
}

export interface KChoice {
  best: Clustering;
  table: KRow[];
  /** The standard error of the best k's silhouette, a mean over its rows (`standardError`). */
  standardError: number;
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

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}

/** The sample standard deviation (n − 1); 0 for fewer than two values. */
export function spread(values: ArrayLike<number>): number {
  const n = values.length;
  if (n < 2) return 0;
  const mu = mean(values);
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (values[i] - mu) ** 2;
  return Math.sqrt(squares / (n - 1));
}

/** The standard error of a mean: how far it could move had other rows been judged. */
export const standardError = (values: ArrayLike<number>): number =>
  values.length < 2 ? 0 : spread(values) / Math.sqrt(values.length);

/**
 * Clusters for every k in the range and keeps the best silhouette; the whole table (inertia and silhouette per
 * k) comes back so a strategist can see the elbow too.
 */
export function chooseK(m: FeatureMatrix, kMin: number, kMax: number, options: KMeansOptions): KChoice {
  const table: KRow[] = [];
  let best: Clustering | undefined;
  let bestSilhouette = -Infinity;
  let bestError = 0;
  const sample = sampleRows(m.rows, options.seed);
  for (let k = kMin; k <= kMax; k++) {
    const result = cluster(m, k, options);
    const values = silhouettes(m, result.labels, k, sample);
    const s = mean(values);
    table.push({ k, inertia: result.inertia, silhouette: s });
    if (s > bestSilhouette) {
      bestSilhouette = s;
      best = result;
      bestError = standardError(values);
    }
  }
  return { best: best!, table, standardError: bestError };
}

/**
 * How much the best k's silhouette could move by chance, as one standard deviation of two independent sources:
 * which rows happened to be judged (the standard error of the mean over its rows) and which seed happened to be
 * drawn (the spread of its silhouette over re-seeded runs). On the 299 Wahlkreise the re-seeded runs of the chosen
 * k often find the very same partition (a spread of 0) while the rows alone leave about ±0.008, so neither
 * source can be left out.
 */
export function silhouetteNoise(standardError: number, reseeded: readonly number[]): number {
  return Math.hypot(standardError, spread(reseeded));
}

/**
 * The other k whose silhouette is within `noise` of the best one's, ascending: by the one-standard-error rule
 * (Breiman et al.; Hastie, Tibshirani & Friedman) the data cannot tell them from the chosen k, so a strategist may
 * as well take the finer or the coarser of them for the campaign's own reasons.
 */
export function nearTies(table: readonly KRow[], bestK: number, noise: number): number[] {
  const best = table.find((row) => row.k === bestK);
  if (!best) return [];
  return table
    .filter((row) => row.k !== bestK && best.silhouette - row.silhouette <= noise)
    .map((row) => row.k)
    .sort((a, b) => a - b);
}

/** The chosen k clustered again with other seeds. */
function reseeded(m: FeatureMatrix, chosen: Clustering, options: KMeansOptions, reruns: number) {
  return Array.from({ length: reruns }, (_, i) =>
    cluster(m, chosen.k, { ...options, seed: options.seed + 7919 * (i + 1) }),
  );
}

/**
 * How far the chosen k can be trusted: its stability (mean adjusted Rand index against re-runs with other seeds)
 * and the k that tie with it within the noise of its silhouette. The same re-runs serve both; a re-run that found
 * the same partition has the same silhouette, which is then not computed again.
 */
export function judgeChoice(m: FeatureMatrix, choice: KChoice, options: KMeansOptions, reruns = 5) {
  const { best } = choice;
  const sample = sampleRows(m.rows, options.seed);
  const own = choice.table.find((row) => row.k === best.k)!.silhouette;
  const others = reseeded(m, best, options, reruns);
  const agreement = others.map((other) => adjustedRandIndex(best.labels, other.labels));
  const scores = [
    own,
    ...others.map((other, i) => (agreement[i] === 1 ? own : silhouette(m, other.labels, other.k, sample))),
  ];
  const noise = silhouetteNoise(choice.standardError, scores);
  return {
    stability: mean(agreement),
    silhouetteNoise: noise,
    nearTies: nearTies(choice.table, best.k, noise),
  };
}
