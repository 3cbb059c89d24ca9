/**
 * The Bundeswahlleiterin's "Strukturdaten" per Wahlkreis. Column labels carry dates ("am 31.12.2023") that change
 * with every edition, so the feature key is taken from the label with its dates removed: the 2021 and 2025 files
 * give the same keys and segmentations and templates keep working across editions.
 */

import { withoutDates } from './editions.js';

export interface FeatureSpec {
  key: string;
  unit: string | null;
}

/** [pattern over the date-free label, key, unit when the label names none]. First match wins. */
const RULES: [RegExp, string, string?][] = [
  [/^Gemeinden/, 'municipalities'],
  [/^Fläche/, 'area_km2'],
  [/^Bevölkerung - Insgesamt/, 'population_k'],
  [/^Bevölkerung - Deutsche/, 'population_german_k'],
  [/^Bevölkerung - Ausländer/, 'foreigners_pct'],
  [/^Bevölkerungsdichte/, 'density_per_km2'],
  [/Geburtensaldo/, 'natural_change_per_1000'],
  [/Wanderungssaldo/, 'net_migration_per_1000'],
  [/^Alter .* - unter 18/, 'age_under_18_pct'],
  [/^Alter .* - 18-24/, 'age_18_24_pct'],
  [/^Alter .* - 25-34/, 'age_25_34_pct'],
  [/^Alter .* - 35-59/, 'age_35_59_pct'],
  [/^Alter .* - 60-74/, 'age_60_74_pct'],
  [/^Alter .* - 75 und mehr/, 'age_75_plus_pct'],
  [/^Bodenfläche .* - Siedlung und Verkehr/, 'land_settlement_transport_pct'],
  [/^Bodenfläche .* - Vegetation und Gewässer/, 'land_vegetation_water_pct'],
  [/^Fertiggestellte Wohnungen/, 'dwellings_completed_per_1000'],
  [/^Bestand an Wohnungen/, 'dwellings_per_1000'],
  [/^Wohnfläche \(je Wohnung\)/, 'living_space_per_dwelling_m2', 'm² je Wohnung'],
  [/^Wohnfläche \(je EW\)/, 'living_space_per_inhabitant_m2', 'm² je EW'],
  [/^PKW-Bestand - PKW insgesamt/, 'cars_per_1000'],
  [/^PKW-Bestand - PKW mit Elektro/, 'cars_electric_hybrid_pct'],
  [/^Unternehmensregister - Unternehmen insgesamt/, 'businesses_per_1000'],
  [/^Unternehmensregister - Handwerks/, 'craft_businesses_per_1000'],
  [/^Schulabgänger\/-innen beruflicher Schulen/, 'vocational_school_leavers_per_1000', 'je 1000 EW'],
  [/^Schulabgänger\/-innen allgemeinb\w+ Schulen - insgesamt/, 'school_leavers_per_1000'],
  [/^Schulabgänger\/-innen allgemeinb\w+ Schulen - ohne Hauptschul/, 'school_leavers_no_diploma_pct'],
  [/^Schulabgänger\/-innen allgemeinb\w+ Schulen - mit Hauptschul/, 'school_leavers_hauptschule_pct'],
  [/^Schulabgänger\/-innen allgemeinb\w+ Schulen - mit mittlerem/, 'school_leavers_intermediate_pct'],
  [/^Schulabgänger\/-innen allgemeinb\w+ Schulen - mit allgemeiner/, 'school_leavers_abitur_pct'],
  [/^Kindertagesbetreuung - Betreute Kinder unter 3/, 'childcare_under_3_pct', '%'],
  [/^Kindertagesbetreuung - Betreute Kinder 3 bis unter 6/, 'childcare_3_to_6_pct', '%'],
  [/^Verfügbares Einkommen/, 'disposable_income_eur'],
  [/^Bruttoinlandsprodukt/, 'gdp_per_inhabitant_eur'],
  [/^Sozialversicherungspflichtig Beschäftigte - insgesamt/, 'employees_per_1000'],
  [/^Sozialversicherungspflichtig Beschäftigte - Land- und Forst/, 'employees_agriculture_pct'],
  [/^Sozialversicherungspflichtig Beschäftigte - Produzierendes/, 'employees_industry_pct'],
  [/^Sozialversicherungspflichtig Beschäftigte - Handel/, 'employees_trade_transport_pct'],
  [/^Sozialversicherungspflichtig Beschäftigte - Öffentliche/, 'employees_public_private_services_pct'],
  [/^Sozialversicherungspflichtig Beschäftigte - Übrige/, 'employees_other_services_pct'],
  [/^Empfänger\/-innen von Leistungen nach SGB II - insgesamt/, 'sgb2_per_1000'],
  [/^Empfänger\/-innen von Leistungen nach SGB II - nicht erwerbs/, 'sgb2_non_employable_pct'],
  [/^Empfänger\/-innen von Leistungen nach SGB II - Ausländer/, 'sgb2_foreigners_pct'],
  [/^Arbeitslosenquote - insgesamt/, 'unemployment_pct', '%'],
  [/^Arbeitslosenquote - Männer/, 'unemployment_men_pct', '%'],
  [/^Arbeitslosenquote - Frauen/, 'unemployment_women_pct', '%'],
  [/^Arbeitslosenquote - 15 bis 24/, 'unemployment_15_24_pct', '%'],
  [/^Arbeitslosenquote - 55 bis 64/, 'unemployment_55_64_pct', '%'],
];

/** The unit a label names in its last parentheses: "(je 1000 EW)" → "je 1000 EW". */
export function unitOf(label: string): string | null {
  const match = /\(([^()]*)\)\s*$/.exec(label.trim());
  return match ? match[1].trim() : null;
}

/** A lower-case ASCII key for labels no rule knows. */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/%/g, ' pct ')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** Every key the rules above give, e.g. for checking template weights. */
export const STRUKTURDATEN_KEYS: readonly string[] = RULES.map(([, key]) => key);

export function strukturdatenFeature(label: string): FeatureSpec {
  const plain = withoutDates(label);
  for (const [pattern, key, unit] of RULES) {
    if (pattern.test(plain)) return { key, unit: unit ?? unitOf(plain) };
  }
  return { key: slug(plain.replace(/\([^()]*\)\s*$/, '')), unit: unitOf(plain) };
}

/** State rows are numbered 900 + the state's number (901 Schleswig-Holstein … 916 Thüringen); 999 is Germany. */
export function officialLevel(areaNumber: number): 'nation' | 'state' | 'constituency' {
  if (areaNumber === 999) return 'nation';
  if (areaNumber > 900 && areaNumber < 999) return 'state';
  return 'constituency';
}
