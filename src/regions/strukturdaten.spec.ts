import { withoutDates } from './editions.js';
import { officialLevel, slug, strukturdatenFeature, unitOf } from './strukturdaten.js';

describe('strukturdaten feature keys', () => {
  it.each([
    ['Bevölkerung am 31.12.2023 - Ausländer/-innen (%)', 'foreigners_pct', '%'],
    ['Bevölkerung am 31.12.2019 - Ausländer/-innen (%)', 'foreigners_pct', '%'],
    ['Bevölkerung am 31.12.2023 - Insgesamt (in 1000)', 'population_k', 'in 1000'],
    [
      'Empfänger/-innen von Leistungen nach SGB II  August 2024 -  insgesamt (je 1000 EW)',
      'sgb2_per_1000',
      'je 1000 EW',
    ],
    ['Arbeitslosenquote November 2024 - insgesamt', 'unemployment_pct', '%'],
    ['Arbeitslosenquote Februar 2021 - insgesamt', 'unemployment_pct', '%'],
    ['Wohnfläche am 31.12.2023 (je EW)', 'living_space_per_inhabitant_m2', 'm² je EW'],
    [
      'Schulabgänger/-innen allgemeinblldender Schulen 2022 - mit allgemeiner und Fachhochschulreife (%)',
      'school_leavers_abitur_pct',
      '%',
    ],
    ['Verfügbares Einkommen der privaten Haushalte 2021 (EUR je EW)', 'disposable_income_eur', 'EUR je EW'],
    [
      'Zu- (+) bzw. Abnahme (-) der Bevölkerung 2022 - Wanderungssaldo (je 1000 EW)',
      'net_migration_per_1000',
      'je 1000 EW',
    ],
  ])('%s → %s', (label, key, unit) => {
    expect(strukturdatenFeature(label)).toEqual({ key, unit });
  });

  it('gives unknown columns a readable key and keeps their unit', () => {
    expect(strukturdatenFeature('Ärzte am 31.12.2023 (je 100000 EW)')).toEqual({
      key: 'aerzte',
      unit: 'je 100000 EW',
    });
  });

  it('removes dates but keeps the rest of a label', () => {
    expect(withoutDates('Fertiggestellte Wohnungen 2023 (je 1000 EW)')).toBe(
      'Fertiggestellte Wohnungen (je 1000 EW)',
    );
    expect(unitOf('Fläche (km²)')).toBe('km²');
    expect(slug('Straßen & Plätze (%)')).toBe('strassen_plaetze_pct');
  });

  it('tells districts from states and the nation', () => {
    expect(officialLevel(1)).toBe('constituency');
    expect(officialLevel(299)).toBe('constituency');
    expect(officialLevel(911)).toBe('state');
    expect(officialLevel(999)).toBe('nation');
  });
});
