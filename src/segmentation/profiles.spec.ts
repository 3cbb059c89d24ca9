import { prepareFeatures } from './features.js';
import { cluster } from './kmeans.js';
import { rankTemplates, scoreTemplate } from './matching.js';
import { profileSegments } from './profiles.js';

// Two kinds of places: poor and dense, richer and sparse.
const table: Record<string, number[]> = {
  sgb2_per_1000: [120, 115, 125, 118, 30, 35, 28, 32],
  disposable_income_eur: [19000, 19500, 18800, 19200, 30000, 31000, 29500, 30500],
  density_per_km2: [4000, 3800, 4200, 3900, 150, 120, 180, 160],
  age_75_plus_pct: [10, 11, 10, 10.5, 12, 11, 10, 11.5],
};
const keys = Object.keys(table);
const value = (key: string, row: number) => table[key][row];

describe('segment profiles and template matching', () => {
  const prepared = prepareFeatures(keys, value, 8);
  const clustering = cluster(prepared.matrix, 2, { seed: 1, restarts: 3 });
  const profiles = profileSegments(prepared, clustering, value);
  const poor = profiles.find((p) => p.centroid.find((f) => f.key === 'sgb2_per_1000')!.z > 0)!;
  const rich = profiles.find((p) => p !== poor)!;

  it('gives each segment its size and centroid in real units and standard scores', () => {
    expect(poor.size).toBe(4);
    const sgb2 = poor.centroid.find((f) => f.key === 'sgb2_per_1000')!;
    expect(sgb2.value).toBeCloseTo(119.5, 6);
    expect(sgb2.z).toBeGreaterThan(0.9);
  });

  it('names what sets a segment apart, in German and English', () => {
    expect(
      poor.distinguishing
        .map((f) => f.key)
        .slice(0, 3)
        .sort(),
    ).toEqual(['density_per_km2', 'disposable_income_eur', 'sgb2_per_1000']);
    expect(poor.label.en.split(', ').sort()).toEqual(['dense', 'high SGB II rate', 'low income']);
    expect(poor.label.de.split(', ').sort()).toEqual([
      'dicht besiedelt',
      'hohe SGB-II-Quote',
      'niedriges Einkommen',
    ]);
    expect(rich.label.en).toMatch(/high income/);
  });

  it('scores templates as Σ weight × z, with reasons that add up to the score', () => {
    const inflation = scoreTemplate(
      'inflation',
      { sgb2_per_1000: 0.5, disposable_income_eur: -0.5 },
      poor.centroid,
    );
    const sum = inflation.reasons.reduce((s, r) => s + r.contribution, 0);
    expect(sum).toBeCloseTo(inflation.score, 12);
    expect(inflation.score).toBeGreaterThan(0.9);
    expect(inflation.reasons[0]).toMatchObject({ weight: expect.any(Number), share: expect.any(Number) });
    const ranked = rankTemplates(
      [
        { key: 'pensions', weights: { age_75_plus_pct: 1 } },
        { key: 'inflation', weights: { sgb2_per_1000: 0.5, disposable_income_eur: -0.5 } },
      ],
      poor.centroid,
    );
    expect(ranked[0].template).toBe('inflation');
  });
});
