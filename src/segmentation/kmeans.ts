import { kmeans } from 'ml-kmeans';
import { seededRandom } from '../synthetic/random.js';
import type { FeatureMatrix } from './features.js';

export interface Clustering {
  k: number;
  labels: Int32Array;
  /** k × cols, row-major, in the matrix's (scaled) units. */
  centroids: Float64Array;
  inertia: number;
  iterations: number;
}

export interface KMeansOptions {
  seed: number;
  restarts?: number;
  maxIterations?: number;
  /** Relative: convergence when no centroid moves more than tol × the data's mean variance (as scikit-learn). */
  tol?: number;
}

function squaredDistance(m: FeatureMatrix, row: number, centers: Float64Array, center: number): number {
  const { cols, data } = m;
  let d = 0;
  const a = row * cols;
  const b = center * cols;
  for (let c = 0; c < cols; c++) {
    const diff = data[a + c] - centers[b + c];
    d += diff * diff;
  }
  return d;
}

/**
 * Greedy k-means++ (Arthur & Vassilvitskii, with 2 + ln k candidate trials per step as scikit-learn does): each
 * next centre is drawn with probability proportional to its squared distance from the nearest centre so far,
 * keeping the candidate that lowers the total most. Linear in rows per centre, on flat arrays.
 */
export function kmeansPlusPlus(m: FeatureMatrix, k: number, random: () => number): Float64Array {
  const { rows, cols, data } = m;
  const centers = new Float64Array(k * cols);
  const trials = 2 + Math.floor(Math.log(k));
  const pick = (closest: Float64Array, total: number) => {
    let x = random() * total;
    for (let r = 0; r < rows; r++) {
      x -= closest[r];
      if (x <= 0) return r;
    }
    return rows - 1;
  };
  const first = Math.floor(random() * rows);
  centers.set(data.subarray(first * cols, first * cols + cols), 0);
  let closest = new Float64Array(rows);
  let total = 0;
  for (let r = 0; r < rows; r++) total += closest[r] = squaredDistance(m, r, centers, 0);
  // Two scratch buffers swapped, never copied: the best trial's distances survive the next trial.
  let candidate = new Float64Array(rows);
  let best = new Float64Array(rows);
  for (let c = 1; c < k; c++) {
    let bestTotal = Infinity;
    let bestRow = 0;
    for (let t = 0; t < trials; t++) {
      const row = total > 0 ? pick(closest, total) : Math.floor(random() * rows);
      centers.set(data.subarray(row * cols, row * cols + cols), c * cols);
      let sum = 0;
      const base = c * cols;
      for (let r = 0, a = 0; r < rows; r++, a += cols) {
        let d = 0;
        for (let j = 0; j < cols; j++) {
          const diff = data[a + j] - centers[base + j];
          d += diff * diff;
        }
        sum += candidate[r] = d < closest[r] ? d : closest[r];
      }
      if (sum < bestTotal) {
        bestTotal = sum;
        bestRow = row;
        [best, candidate] = [candidate, best];
      }
    }
    centers.set(data.subarray(bestRow * cols, bestRow * cols + cols), c * cols);
    [closest, best] = [best, closest];
    total = bestTotal;
  }
  return centers;
}

/** Above this many rows the k-means++ start is drawn from a seeded sample of rows: the start only needs the
 * shape of the data, and Lloyd's iterations then run on every row. */
const START_SAMPLE = 100_000;

function sampleRows(m: FeatureMatrix, size: number, random: () => number): FeatureMatrix {
  const { rows, cols, data } = m;
  const picked = new Float64Array(size * cols);
  for (let i = 0; i < size; i++) {
    // One row from each of `size` equal strata, at a random place inside it: even coverage, seeded.
    const row = Math.min(rows - 1, Math.floor(((i + random()) * rows) / size));
    picked.set(data.subarray(row * cols, row * cols + cols), i * cols);
  }
  return { rows: size, cols, data: picked };
}

function meanVariance(m: FeatureMatrix): number {
  const { rows, cols, data } = m;
  let sum = 0;
  for (let c = 0; c < cols; c++) {
    let mean = 0;
    for (let r = 0; r < rows; r++) mean += data[r * cols + c];
    mean /= rows;
    let v = 0;
    for (let r = 0; r < rows; r++) v += (data[r * cols + c] - mean) ** 2;
    sum += v / rows;
  }
  return sum / cols;
}

function inertiaOf(m: FeatureMatrix, labels: Int32Array, centroids: Float64Array): number {
  let inertia = 0;
  for (let r = 0; r < m.rows; r++) inertia += squaredDistance(m, r, centroids, labels[r]);
  return inertia;
}

/**
 * k-means with `ml-kmeans` doing Lloyd's iterations, started from our seeded k-means++ centres. Several restarts
 * (different draws from the same seed) keep the lowest inertia; the same data, k and seed always give the same
 * result.
 */
export function cluster(m: FeatureMatrix, k: number, options: KMeansOptions): Clustering {
  if (!Number.isInteger(k) || k < 2 || k > m.rows) throw new RangeError(`k must be between 2 and ${m.rows}`);
  const random = seededRandom(options.seed);
  // ml-kmeans reads one array per row: views into the flat buffer, no copies.
  const rows: Float64Array[] = new Array<Float64Array>(m.rows);
  for (let r = 0; r < m.rows; r++) rows[r] = m.data.subarray(r * m.cols, (r + 1) * m.cols);
  const tolerance = (options.tol ?? 1e-4) * meanVariance(m);
  const cols = m.cols;
  // The library's default computes each difference twice; this is its hottest line.
  const distanceFunction = (p: number[], q: number[]) => {
    let d = 0;
    for (let c = 0; c < cols; c++) {
      const diff = p[c] - q[c];
      d += diff * diff;
    }
    return d;
  };
  let best: Clustering | undefined;
  for (let restart = 0; restart < (options.restarts ?? 10); restart++) {
    const start = kmeansPlusPlus(m.rows > START_SAMPLE ? sampleRows(m, START_SAMPLE, random) : m, k, random);
    const initialization = Array.from({ length: k }, (_, c) =>
      Array.from(start.subarray(c * m.cols, (c + 1) * m.cols)),
    );
    const result = kmeans(rows as unknown as number[][], k, {
      initialization,
      distanceFunction,
      maxIterations: options.maxIterations ?? 300,
      tolerance,
    });
    const labels = Int32Array.from(result.clusters);
    const centroids = Float64Array.from(result.centroids.flat());
    const inertia = inertiaOf(m, labels, centroids);
    if (!best || inertia < best.inertia)
      best = { k, labels, centroids, inertia, iterations: result.iterations };
  }
  return best!;
}
