import { needsHandChoice, proposal, rankTemplates, type TemplateScore } from './matching.js';

const ranked = (...scores: [string, number][]): TemplateScore[] =>
  scores.map(([template, score]) => ({ template, score, reasons: [] }));

describe('proposals', () => {
  it.each([
    ['a clear best', ranked(['housing', 0.72], ['climate', 0.63]), 0.2, 'housing'],
    ['exactly at the minimum', ranked(['jobs', 0.2], ['peace', 0.1]), 0.2, 'jobs'],
    ['a weak best ("peace" at 0.02)', ranked(['peace', 0.02], ['health', -0.1]), 0.2, null],
    ['every template against the segment', ranked(['climate', -0.01], ['housing', -0.4]), 0, null],
    ['no templates at all', ranked(), 0.2, null],
  ])('proposes for %s', (_, scores, minScore, expected) => {
    expect(proposal(scores, minScore)).toBe(expected);
  });

  it('proposes the best of a ranking only when it clears the minimum', () => {
    const centroid = [
      { key: 'sgb2_per_1000', value: 50, z: 0.1 },
      { key: 'age_75_plus_pct', value: 20, z: 0.05 },
    ];
    const scores = rankTemplates(
      [
        { key: 'inflation', weights: { sgb2_per_1000: 1 } },
        { key: 'pensions', weights: { age_75_plus_pct: 1 } },
      ],
      centroid,
    );
    expect(scores[0].template).toBe('inflation');
    expect(proposal(scores, 0.2)).toBeNull();
    expect(proposal(scores, 0.1)).toBe('inflation');
  });

  it.each([
    ['a clear proposal, nothing decided yet', 'housing', null, false],
    ['a clear proposal, approved', 'housing', { overridden: false }, false],
    ['no clear match, nothing decided yet', null, null, true],
    ['no clear match, a template chosen by hand', null, { overridden: true }, false],
    ['no clear match, an approval from when the proposal was clear', null, { overridden: false }, true],
  ])('waits for a hand: %s', (_, proposed, decision, expected) => {
    expect(needsHandChoice(proposed, decision)).toBe(expected);
  });
});
