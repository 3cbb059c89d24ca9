import type { FeatureStats, PreparedFeatures } from './features.js';
import type { Clustering } from './kmeans.js';

export interface FeatureProfile {
  key: string;
  /** Mean of the members in real units (missing values counted at the median, as clustered). */
  value: number;
  /** Mean of the members' standard scores: how many σ the segment sits above (+) or below (−) the mean. */
  z: number;
}

export interface SegmentProfile {
  index: number;
  size: number;
  centroid: FeatureProfile[];
  /** The 3–5 features that set the segment apart most, largest |z| first. */
  distinguishing: FeatureProfile[];
  label: { de: string; en: string };
}

/** How to say "high"/"low" for the features strategists meet most; others fall back to their key. */
const PHRASES: Record<string, { en: [string, string]; de: [string, string] }> = {
  sgb2_per_1000: {
    en: ['high SGB II rate', 'low SGB II rate'],
    de: ['hohe SGB-II-Quote', 'niedrige SGB-II-Quote'],
  },
  disposable_income_eur: {
    en: ['high income', 'low income'],
    de: ['hohes Einkommen', 'niedriges Einkommen'],
  },
  unemployment_pct: {
    en: ['high unemployment', 'low unemployment'],
    de: ['hohe Arbeitslosigkeit', 'niedrige Arbeitslosigkeit'],
  },
  foreigners_pct: {
    en: ['many foreign nationals', 'few foreign nationals'],
    de: ['viele Ausländer:innen', 'wenige Ausländer:innen'],
  },
  density_per_km2: { en: ['dense', 'sparsely populated'], de: ['dicht besiedelt', 'dünn besiedelt'] },
  age_18_24_pct: {
    en: ['many young adults', 'few young adults'],
    de: ['viele junge Erwachsene', 'wenige junge Erwachsene'],
  },
  age_25_34_pct: {
    en: ['many 25–34-year-olds', 'few 25–34-year-olds'],
    de: ['viele 25- bis 34-Jährige', 'wenige 25- bis 34-Jährige'],
  },
  age_60_74_pct: {
    en: ['many 60–74-year-olds', 'few 60–74-year-olds'],
    de: ['viele 60- bis 74-Jährige', 'wenige 60- bis 74-Jährige'],
  },
  age_75_plus_pct: {
    en: ['many over-75s', 'few over-75s'],
    de: ['viele Über-75-Jährige', 'wenige Über-75-Jährige'],
  },
  age_under_18_pct: { en: ['many children', 'few children'], de: ['viele Kinder', 'wenige Kinder'] },
  net_migration_per_1000: {
    en: ['strong migration gain', 'migration loss'],
    de: ['starker Zuzug', 'Abwanderung'],
  },
  living_space_per_inhabitant_m2: {
    en: ['ample living space', 'little living space'],
    de: ['viel Wohnfläche', 'wenig Wohnfläche'],
  },
  dwellings_completed_per_1000: {
    en: ['much new housing', 'little new housing'],
    de: ['viel Neubau', 'wenig Neubau'],
  },
  cars_electric_hybrid_pct: { en: ['many e-cars', 'few e-cars'], de: ['viele E-Autos', 'wenige E-Autos'] },
  cars_per_1000: { en: ['many cars', 'few cars'], de: ['viele Autos', 'wenige Autos'] },
  school_leavers_abitur_pct: {
    en: ['high Abitur share', 'low Abitur share'],
    de: ['hoher Abituranteil', 'niedriger Abituranteil'],
  },
  gdp_per_inhabitant_eur: {
    en: ['high GDP', 'low GDP'],
    de: ['hohe Wirtschaftsleistung', 'niedrige Wirtschaftsleistung'],
  },
  employees_industry_pct: {
    en: ['industrial jobs', 'few industrial jobs'],
    de: ['viel Industrie', 'wenig Industrie'],
  },
  employees_agriculture_pct: {
    en: ['farming', 'little farming'],
    de: ['Landwirtschaft', 'wenig Landwirtschaft'],
  },
  unemployment_15_24_pct: {
    en: ['high youth unemployment', 'low youth unemployment'],
    de: ['hohe Jugendarbeitslosigkeit', 'niedrige Jugendarbeitslosigkeit'],
  },
  childcare_under_3_pct: {
    en: ['much childcare for under-3s', 'little childcare for under-3s'],
    de: ['viel Krippenbetreuung', 'wenig Krippenbetreuung'],
  },
  school_leavers_no_diploma_pct: {
    en: ['many school leavers without diploma', 'few school leavers without diploma'],
    de: ['viele Schulabgänger:innen ohne Abschluss', 'wenige Schulabgänger:innen ohne Abschluss'],
  },
  natural_change_per_1000: {
    en: ['more births than deaths', 'more deaths than births'],
    de: ['Geburtenüberschuss', 'Sterbeüberschuss'],
  },
};

function phrase(key: string, z: number, language: 'en' | 'de'): string {
  const known = PHRASES[key];
  if (known) return known[language][z >= 0 ? 0 : 1];
  const words = key.replace(/_(pct|per_1000|eur|k|km2|m2)$/, '').replace(/_/g, ' ');
  return language === 'en'
    ? `${z >= 0 ? 'high' : 'low'} ${words}`
    : `${words}: ${z >= 0 ? 'hoch' : 'niedrig'}`;
}

/** Features that must stand out by at least this many σ to be named in a label. */
const LABEL_THRESHOLD = 0.5;

/**
 * Profiles every segment: its size, centroid in real units and in standard scores, the features that set it
 * apart (|z| ranked) and a plain-language label in German and English built from up to three of them.
 */
export function profileSegments(
  prepared: PreparedFeatures,
  clustering: Clustering,
  realValue: (key: string, row: number) => number | null | undefined,
): SegmentProfile[] {
  const { rows, cols, data } = prepared.matrix;
  const { k, labels } = clustering;
  const sizes = new Int32Array(k);
  const zSums = new Float64Array(k * cols);
  const realSums = new Float64Array(k * cols);
  for (let r = 0; r < rows; r++) {
    const s = labels[r];
    sizes[s]++;
    prepared.stats.forEach((stat: FeatureStats, c) => {
      zSums[s * cols + c] += data[r * cols + c];
      realSums[s * cols + c] += realValue(stat.key, r) ?? stat.median;
    });
  }
  return Array.from({ length: k }, (_, s) => {
    const centroid = prepared.stats.map((stat, c) => ({
      key: stat.key,
      value: realSums[s * cols + c] / sizes[s],
      z: zSums[s * cols + c] / sizes[s],
    }));
    const ranked = [...centroid].sort((a, b) => Math.abs(b.z) - Math.abs(a.z));
    const distinguishing = ranked.slice(
      0,
      Math.min(5, Math.max(3, ranked.filter((f) => Math.abs(f.z) >= 1).length)),
    );
    const named = distinguishing.filter((f) => Math.abs(f.z) >= LABEL_THRESHOLD).slice(0, 3);
    const label = named.length
      ? {
          en: named.map((f) => phrase(f.key, f.z, 'en')).join(', '),
          de: named.map((f) => phrase(f.key, f.z, 'de')).join(', '),
        }
      : { en: 'close to the average everywhere', de: 'überall nahe am Durchschnitt' };
    return { index: s, size: sizes[s], centroid, distinguishing, label };
  });
}
