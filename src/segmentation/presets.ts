/** Named feature sets a strategist can start from; keys are the Strukturdaten catalogue keys. */
export const PRESETS: Record<string, string[]> = {
  overview: [
    'sgb2_per_1000',
    'disposable_income_eur',
    'unemployment_pct',
    'foreigners_pct',
    'density_per_km2',
    'age_18_24_pct',
    'age_75_plus_pct',
    'net_migration_per_1000',
    'living_space_per_inhabitant_m2',
    'school_leavers_abitur_pct',
    'cars_electric_hybrid_pct',
  ],
  'social-situation': [
    'sgb2_per_1000',
    'disposable_income_eur',
    'unemployment_pct',
    'unemployment_15_24_pct',
    'school_leavers_no_diploma_pct',
  ],
  housing: [
    'density_per_km2',
    'net_migration_per_1000',
    'living_space_per_inhabitant_m2',
    'dwellings_completed_per_1000',
    'dwellings_per_1000',
  ],
  'age-structure': [
    'age_under_18_pct',
    'age_18_24_pct',
    'age_25_34_pct',
    'age_35_59_pct',
    'age_60_74_pct',
    'age_75_plus_pct',
  ],
};

export const DEFAULT_PRESET = 'overview';

/** Features so skewed (a few huge cities) that they are clustered on log(1 + x) unless told otherwise. */
export const LOG_SCALED_BY_DEFAULT = new Set([
  'density_per_km2',
  'area_km2',
  'population_k',
  'population_german_k',
]);
