import { kmeans } from 'ml-kmeans';
import { seededRandom } from '../common/random.js';
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

/** Above this many rows `ml-kmeans` clusters a seeded sample of rows: the centres only need the shape of the data,
 * and Lloyd's iterations on the flat array then carry them to convergence on every row. */
const SAMPLE_ROWS = 100_000;

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

/** Mean over columns of each column's variance, in one row-major pass. */
function meanVariance(m: FeatureMatrix): number {
  const { rows, cols, data } = m;
  const sum = new Float64Array(cols);
  const squares = new Float64Array(cols);
  for (let r = 0, a = 0; r < rows; r++, a += cols)
    for (let c = 0; c < cols; c++) {
      const x = data[a + c];
      sum[c] += x;
      squares[c] += x * x;
    }
  let total = 0;
  for (let c = 0; c < cols; c++) total += Math.max(0, squares[c] / rows - (sum[c] / rows) ** 2);
  return total / cols;
}

/** `ml-kmeans` from the given centres; it reads one array per row, so it gets views into the flat buffer. */
function mlKmeans(
  m: FeatureMatrix,
  k: number,
  start: Float64Array,
  tolerance: number,
  maxIterations: number,
) {
  const { cols } = m;
  const rows: Float64Array[] = new Array<Float64Array>(m.rows);
  for (let r = 0; r < m.rows; r++) rows[r] = m.data.subarray(r * cols, (r + 1) * cols);
  // The library's default computes each difference twice; this is its hottest line.
  const distanceFunction = (p: number[], q: number[]) => {
    let d = 0;
    for (let c = 0; c < cols; c++) {
      const diff = p[c] - q[c];
      d += diff * diff;
    }
    return d;
  };
  const result = kmeans(rows as unknown as number[][], k, {
    initialization: Array.from({ length: k }, (_, c) => Array.from(start.subarray(c * cols, (c + 1) * cols))),
    distanceFunction,
    maxIterations,
    tolerance,
  });
  return Float64Array.from(result.centroids.flat());
}

/**
 * Lloyd's iterations on the flat array until the centres' total squared shift is at most `tolerance`; the labels
 * and inertia returned are those of the final centres. An empty cluster keeps its centre.
 */
export function lloyd(
  m: FeatureMatrix,
  start: Float64Array,
  tolerance: number,
  maxIterations: number,
): Omit<Clustering, 'k'> {
  const { rows, cols, data } = m;
  const k = start.length / cols;
  const centroids = Float64Array.from(start);
  const labels = new Int32Array(rows);
  const sums = new Float64Array(k * cols);
  const counts = new Float64Array(k);
  let shift = Infinity;
  let iterations = 0;
  for (;;) {
    sums.fill(0);
    counts.fill(0);
    let inertia = 0;
    for (let r = 0, a = 0; r < rows; r++, a += cols) {
      // The row's previous centre first: usually still the nearest, it lets every other centre stop early.
      let nearest = labels[r];
      let nearestDistance = 0;
      for (let j = 0, b = nearest * cols; j < cols; j++) {
        const diff = data[a + j] - centroids[b + j];
        nearestDistance += diff * diff;
      }
      for (let c = 0, b = 0; c < k; c++, b += cols) {
        if (c === labels[r]) continue;
        let d = 0;
        for (let j = 0; j < cols && d < nearestDistance; j++) {
          const diff = data[a + j] - centroids[b + j];
          d += diff * diff;
        }
        if (d < nearestDistance) {
          nearestDistance = d;
          nearest = c;
        }
      }
      labels[r] = nearest;
      inertia += nearestDistance;
      counts[nearest]++;
      const b = nearest * cols;
      for (let j = 0; j < cols; j++) sums[b + j] += data[a + j];
    }
    if (shift <= tolerance || iterations >= maxIterations) return { labels, centroids, inertia, iterations };
    shift = 0;
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) continue;
      for (let j = 0, b = c * cols; j < cols; j++) {
        const next = sums[b + j] / counts[c];
        shift += (next - centroids[b + j]) ** 2;
        centroids[b + j] = next;
      }
    }
    iterations++;
  }
}

/**
 * k-means: a seeded k-means++ start, `ml-kmeans` running Lloyd's algorithm from it (on a sample of rows when there
 * are many), then Lloyd's iterations on the flat array over every row to convergence. Several restarts (different
 * draws from the same seed) keep the lowest inertia; the same data, k and seed always give the same result.
 */
export function cluster(m: FeatureMatrix, k: number, options: KMeansOptions): Clustering {
  if (!Number.isInteger(k) || k < 2 || k > m.rows) throw new RangeError(`k must be between 2 and ${m.rows}`);
  const random = seededRandom(options.seed);
  // Relative, as scikit-learn: the tolerance scales with the data's mean variance.
  const tol = options.tol ?? 1e-4;
  const tolerance = tol * meanVariance(m);
  const maxIterations = options.maxIterations ?? 300;
  let best: Clustering | undefined;
  for (let restart = 0; restart < (options.restarts ?? 10); restart++) {
    const sample = m.rows > SAMPLE_ROWS ? sampleRows(m, SAMPLE_ROWS, random) : m;
    const start = kmeansPlusPlus(sample, k, random);
    const centres = mlKmeans(sample, k, start, tol * meanVariance(sample), maxIterations);
    const result = { k, ...lloyd(m, centres, tolerance, maxIterations) };
    if (!best || result.inertia < best.inertia) best = result;
  }
  return best!;
}
