import { seededRandom } from '../common/random.js';
import { chooseK, judgeChoice, nearTies, silhouetteNoise, spread, standardError } from './choose-k.js';
import { prepareFeatures, type FeatureMatrix } from './features.js';
import { kmeans } from 'ml-kmeans';
import { cluster, lloyd } from './kmeans.js';
import { adjustedRandIndex, silhouette, silhouettes } from './quality.js';

/** Seeded Gaussian blobs: `centers` in `dims` dimensions, well apart, `perBlob` rows each. */
function blobs(centers: number, perBlob: number, dims: number, seed: number) {
  const random = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const rows = centers * perBlob;
  const data = new Float64Array(rows * dims);
  const truth = new Int32Array(rows);
  const means = Array.from({ length: centers }, () =>
    Array.from({ length: dims }, () => (random() - 0.5) * 40),
  );
  for (let r = 0; r < rows; r++) {
    truth[r] = r % centers;
    for (let d = 0; d < dims; d++) data[r * dims + d] = means[truth[r]][d] + normal();
  }
  return { matrix: { rows, cols: dims, data } as FeatureMatrix, truth };
}

describe('k-means', () => {
  it('recovers well-separated blobs (ARI ≥ 0.99)', () => {
    const { matrix, truth } = blobs(5, 200, 6, 1);
    const result = cluster(matrix, 5, { seed: 42, restarts: 5 });
    expect(adjustedRandIndex(truth, result.labels)).toBeGreaterThanOrEqual(0.99);
  });

  it('gives exactly the same segments for the same data, k and seed', () => {
    const { matrix } = blobs(4, 150, 5, 2);
    const a = cluster(matrix, 4, { seed: 7, restarts: 3 });
    const b = cluster(matrix, 4, { seed: 7, restarts: 3 });
    expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
    expect(Array.from(b.centroids)).toEqual(Array.from(a.centroids));
    expect(b.inertia).toBe(a.inertia);
  });

  it('finds the true k by silhouette and returns the whole k table', () => {
    const { matrix } = blobs(4, 100, 5, 3);
    const { best, table } = chooseK(matrix, 2, 8, { seed: 1, restarts: 3 });
    expect(best.k).toBe(4);
    expect(table.map((row) => row.k)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(table[2].silhouette).toBe(Math.max(...table.map((row) => row.silhouette)));
    expect(table[0].inertia).toBeGreaterThan(table[2].inertia);
  });

  it('is stable on clear structure, where no other k comes near the best silhouette', () => {
    const { matrix } = blobs(3, 100, 4, 4);
    const options = { seed: 5, restarts: 3 };
    const choice = chooseK(matrix, 2, 5, options);
    const judged = judgeChoice(matrix, choice, options);
    expect(judged.stability).toBeGreaterThan(0.99);
    expect(judged.nearTies).toEqual([]);
    expect(judged.silhouetteNoise).toBeGreaterThan(0);
    expect(judged.silhouetteNoise).toBeCloseTo(choice.standardError, 6);
  });

  it('names the k that tie with the best within noise when the data has no clear number of groups', () => {
    // Points spread evenly over a square: 3, 4 or more groups are all about as good.
    const random = seededRandom(1);
    const matrix = { rows: 40, cols: 2, data: Float64Array.from({ length: 80 }, () => random()) };
    const options = { seed: 42, restarts: 5 };
    const choice = chooseK(matrix, 2, 6, options);
    const judged = judgeChoice(matrix, choice, options);
    expect(judged.nearTies.length).toBeGreaterThan(0);
    expect(judged.nearTies).not.toContain(choice.best.k);
    const best = choice.table.find((row) => row.k === choice.best.k)!.silhouette;
    for (const row of choice.table)
      expect(judged.nearTies.includes(row.k)).toBe(
        row.k !== choice.best.k && best - row.silhouette <= judged.silhouetteNoise,
      );
  });

  it('clusters a sample with ml-kmeans and every row with Lloyd when there are many rows', () => {
    const { matrix, truth } = blobs(6, 20_000, 4, 6);
    const result = cluster(matrix, 6, { seed: 3, restarts: 1 });
    expect(adjustedRandIndex(truth, result.labels)).toBeGreaterThanOrEqual(0.99);
    // ml-kmeans on every row from our final centres moves nothing: it is a fixed point of Lloyd's algorithm.
    const rows = Array.from({ length: matrix.rows }, (_, r) =>
      Array.from(matrix.data.subarray(r * 4, r * 4 + 4)),
    );
    const initialization = Array.from({ length: 6 }, (_, c) =>
      Array.from(result.centroids.subarray(c * 4, c * 4 + 4)),
    );
    const reference = kmeans(rows, 6, { initialization, maxIterations: 1 });
    expect(reference.clusters).toEqual(Array.from(result.labels));
    reference.centroids.flat().forEach((value, i) => expect(value).toBeCloseTo(result.centroids[i], 2));
  });

  it('runs Lloyd until the centres stop moving and labels each row by its nearest final centre', () => {
    const m = { rows: 6, cols: 1, data: Float64Array.from([0, 1, 2, 10, 11, 12]) } as FeatureMatrix;
    const result = lloyd(m, Float64Array.from([0, 2]), 0, 100);
    expect(Array.from(result.centroids)).toEqual([1, 11]);
    expect(Array.from(result.labels)).toEqual([0, 0, 0, 1, 1, 1]);
    expect(result.inertia).toBe(4);
  });

  it('refuses k below 2 or above the number of rows', () => {
    const { matrix } = blobs(2, 3, 2, 5);
    expect(() => cluster(matrix, 1, { seed: 1 })).toThrow(/k must be between 2 and 6/);
    expect(() => cluster(matrix, 7, { seed: 1 })).toThrow(/k must be between 2 and 6/);
  });
});

describe('quality figures', () => {
  it('computes the adjusted Rand index as scikit-learn does', () => {
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 1])).toBe(1);
    expect(adjustedRandIndex([0, 0, 1, 1], [1, 1, 0, 0])).toBe(1);
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2])).toBeCloseTo(0.5714285714, 9);
    expect(adjustedRandIndex([0, 0, 0, 0], [0, 1, 2, 3])).toBeCloseTo(0, 9);
  });

  it('computes the silhouette of a small worked example', () => {
    const matrix = { rows: 4, cols: 1, data: Float64Array.from([0, 1, 10, 11]) };
    expect(silhouette(matrix, Int32Array.from([0, 0, 1, 1]), 2)).toBeCloseTo(0.8997494, 6);
    // Row 0: a = 1, b = (10 + 11) / 2 = 10.5, so 1 − 1/10.5; row 2: a = 1, b = (10 + 9) / 2 = 9.5.
    const each = Array.from(silhouettes(matrix, Int32Array.from([0, 0, 1, 1]), 2));
    expect(each[0]).toBeCloseTo(1 - 1 / 10.5, 12);
    expect(each[2]).toBeCloseTo(1 - 1 / 9.5, 12);
    expect(Array.from(silhouettes(matrix, Int32Array.from([0, 0, 1, 1]), 2, [3]))).toEqual([each[3]]);
  });

  it('measures spread and standard error (n − 1), zero for a single value', () => {
    expect(spread([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(2.138089935, 9);
    expect(standardError([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(2.138089935 / Math.sqrt(8), 9);
    expect(spread([0.3])).toBe(0);
    expect(standardError([0.3])).toBe(0);
  });

  it.each([
    // standard error over the rows, the best k's silhouette over re-seeded runs, the noise
    [0.008, [0.242, 0.242, 0.242], 0.008],
    [0, [0.3, 0.31, 0.29], 0.01],
    [0.03, [0.5, 0.54, 0.5, 0.46], Math.hypot(0.03, spread([0.5, 0.54, 0.5, 0.46]))],
  ])('puts the noise of a silhouette of ±%p and re-runs %j at %p', (error, reseeded, noise) => {
    expect(silhouetteNoise(error, reseeded)).toBeCloseTo(noise, 12);
  });

  const table = (...silhouettes: number[]) =>
    silhouettes.map((s, i) => ({ k: i + 3, inertia: 0, silhouette: s }));
  it.each([
    [
      'the 299 Wahlkreise, overview preset, k 3–10',
      table(0.242, 0.239, 0.241, 0.227, 0.227, 0.211, 0.21, 0.198),
      3,
      0.0082,
      [4, 5],
    ],
    ['0.279 against 0.273 within ±0.008', table(0.279, 0.273, 0.2), 3, 0.008, [4]],
    ['0.279 against 0.273 within ±0.005', table(0.279, 0.273, 0.2), 3, 0.005, []],
    ['a finer k only', table(0.3, 0.5, 0.49, 0.45), 4, 0.011, [5]],
    ['coarser and finer, ascending', table(0.45, 0.5, 0.49, 0.2), 4, 0.06, [3, 5]],
    ['a single k', table(0.4), 3, 0.1, []],
  ])('lists the near ties: %s', (_, rows, bestK, noise, ties) => {
    expect(nearTies(rows, bestK, noise)).toEqual(ties);
  });
});

describe('preparing features', () => {
  const table: Record<string, (number | null)[]> = {
    income: [20, 30, null, 40],
    density: [100, 1000, 10000, null],
    flat: [5, 5, 5, 5],
    empty: [null, null, null, null],
  };
  const value = (key: string, row: number) => table[key][row];

  it('imputes missing values by the median and says how many', () => {
    const { stats, matrix } = prepareFeatures(['income'], value, 4);
    expect(stats[0]).toMatchObject({ key: 'income', imputed: 1, median: 30, mean: 30 });
    expect(Array.from(matrix.data).map((v) => Number(v.toFixed(3)))).toEqual([-1.414, 0, 0, 1.414]);
  });

  it('refuses features without values or without variance, with the reason', () => {
    const { refused, matrix } = prepareFeatures(['income', 'flat', 'empty'], value, 4);
    expect(refused).toEqual([
      { key: 'flat', reason: 'it has the same value everywhere (no variance)' },
      { key: 'empty', reason: 'no region has a value for it' },
    ]);
    expect(matrix.cols).toBe(1);
  });

  it('log-scales skewed features when asked', () => {
    const { matrix } = prepareFeatures(['density'], value, 4, () => 'log-zscore');
    const scores = Array.from(matrix.data);
    expect(scores[1] - scores[0]).toBeCloseTo(scores[2] - scores[1], 1);
  });
});
