/** Rows × features in one flat typed array: no per-row objects, so a million rows stay small and fast. */
export interface FeatureMatrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

export type Scaling = 'zscore' | 'log-zscore';

export interface FeatureStats {
  key: string;
  /** How many rows had no value and got the median. */
  imputed: number;
  median: number;
  /** Mean and standard deviation in real units, before any log transform. */
  mean: number;
  sd: number;
  scaling: Scaling;
}

export interface RefusedFeature {
  key: string;
  reason: string;
}

export interface PreparedFeatures {
  /** Standard scores (of log(1 + x) for log-scaled features), ready for k-means. */
  matrix: FeatureMatrix;
  stats: FeatureStats[];
  refused: RefusedFeature[];
}

function median(sorted: number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function meanAndSd(values: ArrayLike<number>): { mean: number; sd: number } {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  const mean = sum / values.length;
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += (values[i] - mean) ** 2;
  return { mean, sd: Math.sqrt(squares / values.length) };
}

/**
 * Imputes missing values by the feature's median (and reports how many), then scales each feature to standard
 * scores; `log-zscore` takes log(1 + x) first, for skewed features such as density. A feature with no values or
 * no variance cannot separate anything and is refused with the reason.
 */
export function prepareFeatures(
  keys: string[],
  values: (key: string, row: number) => number | null | undefined,
  rows: number,
  scaling: (key: string) => Scaling = () => 'zscore',
): PreparedFeatures {
  const stats: FeatureStats[] = [];
  const refused: RefusedFeature[] = [];
  const columns: Float64Array[] = [];
  for (const key of keys) {
    const column = new Float64Array(rows);
    const present: number[] = [];
    const missing: number[] = [];
    for (let r = 0; r < rows; r++) {
      const v = values(key, r);
      if (v === null || v === undefined || !Number.isFinite(v)) missing.push(r);
      else {
        column[r] = v;
        present.push(v);
      }
    }
    if (present.length === 0) {
      refused.push({ key, reason: 'no region has a value for it' });
      continue;
    }
    const med = median(present.sort((a, b) => a - b));
    for (const r of missing) column[r] = med;
    const real = meanAndSd(column);
    const mode = scaling(key);
    if (mode === 'log-zscore' && present[0] <= -1) {
      refused.push({ key, reason: 'log scaling needs values above -1' });
      continue;
    }
    if (mode === 'log-zscore') for (let r = 0; r < rows; r++) column[r] = Math.log1p(column[r]);
    const { mean, sd } = mode === 'log-zscore' ? meanAndSd(column) : real;
    if (!(sd > 1e-12 * Math.max(1, Math.abs(mean)))) {
      refused.push({ key, reason: 'it has the same value everywhere (no variance)' });
      continue;
    }
    for (let r = 0; r < rows; r++) column[r] = (column[r] - mean) / sd;
    columns.push(column);
    stats.push({ key, imputed: missing.length, median: med, mean: real.mean, sd: real.sd, scaling: mode });
  }
  const cols = columns.length;
  const data = new Float64Array(rows * cols);
  for (let c = 0; c < cols; c++) for (let r = 0; r < rows; r++) data[r * cols + c] = columns[c][r];
  return { matrix: { rows, cols, data }, stats, refused };
}
