import type { FeatureProfile } from './profiles.js';

export interface Contribution {
  key: string;
  /** The segment's mean in real units and in standard scores. */
  value: number;
  z: number;
  weight: number;
  /** weight × z: this feature's part of the score. */
  contribution: number;
  /** contribution / Σ|contributions|: its share of everything that moved the score. */
  share: number;
}

export interface TemplateScore {
  template: string;
  score: number;
  /** Largest |contribution| first; the contributions add up to the score. */
  reasons: Contribution[];
}

/**
 * score(segment, template) = Σ_f w_f · z_f over the features f the template weighs, where z_f is the segment
 * centroid's standard score on f. A feature the run did not use counts 0 (it is reported nowhere).
 */
export function scoreTemplate(
  template: string,
  weights: Record<string, number>,
  centroid: FeatureProfile[],
): TemplateScore {
  const byKey = new Map(centroid.map((f) => [f.key, f]));
  const parts = Object.entries(weights).flatMap(([key, weight]) => {
    const feature = byKey.get(key);
    return feature
      ? [{ key, value: feature.value, z: feature.z, weight, contribution: weight * feature.z }]
      : [];
  });
  const score = parts.reduce((sum, p) => sum + p.contribution, 0);
  const magnitude = parts.reduce((sum, p) => sum + Math.abs(p.contribution), 0);
  const reasons = parts
    .map((p) => ({ ...p, share: magnitude ? p.contribution / magnitude : 0 }))
    .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
  return { template, score, reasons };
}

/** Every template scored for one segment, best first. */
export function rankTemplates(
  templates: { key: string; weights: Record<string, number> }[],
  centroid: FeatureProfile[],
): TemplateScore[] {
  return templates.map((t) => scoreTemplate(t.key, t.weights, centroid)).sort((a, b) => b.score - a.score);
}

/**
 * The template to propose for a segment: the best of `ranked` (best first) when it scores at least `minScore`
 * (MATCH_MIN_SCORE), otherwise null: "no clear match". The one place this is decided.
 */
export function proposal(ranked: readonly TemplateScore[], minScore: number): string | null {
  const best = ranked[0];
  return best && best.score >= minScore ? best.template : null;
}

/**
 * Whether a segment waits for a strategist to choose its template by hand: there is no clear match, and the
 * template stored for it (if any) was not chosen by hand but approved as a proposal (when the proposal was still
 * clear, or under a lower MATCH_MIN_SCORE). Waves over approved matches skip such a segment.
 */
export function needsHandChoice(proposed: string | null, decision: { overridden: boolean } | null): boolean {
  return proposed === null && !decision?.overridden;
}
