import type { FeatureMatrix } from './features.js';

/**
 * Mean silhouette: for each row, (b − a) / max(a, b) with a its mean distance to its own cluster and b to the
 * nearest other cluster. Exact, O(rows²) — fine for districts; pass `sample` for large contact runs.
 */
export function silhouette(m: FeatureMatrix, labels: Int32Array, k: number, sample?: number[]): number {
  const values = silhouettes(m, labels, k, sample);
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** Each subject's own silhouette (every row, or the rows of `sample`), whose mean is `silhouette`. */
export function silhouettes(
  m: FeatureMatrix,
  labels: Int32Array,
  k: number,
  sample?: number[],
): Float64Array {
  const { rows, cols, data } = m;
  const subjects = sample ?? Array.from({ length: rows }, (_, r) => r);
  const sizes = new Int32Array(k);
  for (let r = 0; r < rows; r++) sizes[labels[r]]++;
  const sums = new Float64Array(k);
  const values = new Float64Array(subjects.length);
  for (let n = 0; n < subjects.length; n++) {
    const i = subjects[n];
    sums.fill(0);
    for (let j = 0; j < rows; j++) {
      if (j === i) continue;
      let d = 0;
      for (let c = 0; c < cols; c++) {
        const diff = data[i * cols + c] - data[j * cols + c];
        d += diff * diff;
      }
      sums[labels[j]] += Math.sqrt(d);
    }
    const own = labels[i];
    if (sizes[own] <= 1) continue; // a singleton's silhouette is 0 by convention
    const a = sums[own] / (sizes[own] - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && sizes[c] > 0) b = Math.min(b, sums[c] / sizes[c]);
    values[n] = (b - a) / Math.max(a, b);
  }
  return values;
}

const pairs = (n: number) => (n * (n - 1)) / 2;

/** Adjusted Rand index of two labelings of the same rows: 1 for identical partitions, about 0 for chance. */
export function adjustedRandIndex(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError('labelings differ in length');
  const table = new Map<string, number>();
  const rowsA = new Map<number, number>();
  const rowsB = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    const key = `${a[i]},${b[i]}`;
    table.set(key, (table.get(key) ?? 0) + 1);
    rowsA.set(a[i], (rowsA.get(a[i]) ?? 0) + 1);
    rowsB.set(b[i], (rowsB.get(b[i]) ?? 0) + 1);
  }
  let index = 0;
  for (const n of table.values()) index += pairs(n);
  let sumA = 0;
  for (const n of rowsA.values()) sumA += pairs(n);
  let sumB = 0;
  for (const n of rowsB.values()) sumB += pairs(n);
  const expected = (sumA * sumB) / pairs(a.length);
  const max = (sumA + sumB) / 2;
  return max === expected ? 1 : (index - expected) / (max - expected);
}
