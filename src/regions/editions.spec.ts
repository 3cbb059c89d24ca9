import { compareEditions, editionFromNotes, newestFirst, referenceDate, sameName } from './editions.js';

describe('the day a column describes', () => {
  it.each([
    ['Bevölkerung am 31.12.2023 - Insgesamt (in 1000)', '2023-12-31'],
    ['Arbeitslosenquote Februar 2025 - insgesamt', '2025-02-28'],
    ['Arbeitslosenquote Februar 2024 - insgesamt', '2024-02-29'],
    ['Empfänger/-innen von Leistungen nach SGB II  August 2024 -  insgesamt (je 1000 EW)', '2024-08-31'],
    ['Verfügbares Einkommen der privaten Haushalte 2021 (€ je EW)', '2021-12-31'],
    ['Zu- (+) bzw. Abnahme (-) der Bevölkerung 2022 - Wanderungssaldo (je 1000 EW)', '2022-12-31'],
    ['PKW-Bestand am 01.01.2024 - PKW insgesamt (je 1000 EW)', '2024-01-01'],
    ['population 2019 to 2023', '2023-12-31'],
    ['density (per km²)', null],
    ['Bestand an Wohnungen (je 1000 EW)', null],
    ['Fläche am 31.02.2023 (km²)', null],
  ])('%s → %s', (label, day) => {
    expect(referenceDate(label)).toBe(day);
  });
});

describe('the election an official file is drawn for', () => {
  it.each([
    [['Strukturdaten für die Wahlkreise zum 21. Deutschen Bundestag (Bundestagswahl am 23.02.2025)'], '2025'],
    [
      [
        '© Die Bundeswahlleiterin, Wiesbaden 2020',
        'Strukturdaten für die Wahlkreise zum 20. Deutschen Bundestag',
      ],
      '2021',
    ],
    [['Strukturdaten zur Wahl am 26. September 2021'], '2021'],
    [['Stimmabgabe bei der Bundestagswahl 2017 nach Wahlkreisen'], '2017'],
    [['© Die Bundeswahlleiterin, Wiesbaden 2025', 'Strukturdaten (Auszug)'], null],
  ])('%j → %s', (notes, edition) => {
    expect(editionFromNotes(notes)).toBe(edition);
  });
});

describe('comparing two editions of a level', () => {
  it('keeps a region whose code, name and area (within 1 %) agree, and says why the others changed', () => {
    const before = [
      { code: '1', name: 'Flensburg – Schleswig', area: 2128.1 },
      { code: '2', name: 'Nordfriesland', area: 2300 },
      { code: '3', name: 'Steinburg', area: 1000 },
      { code: '4', name: 'Gone', area: 10 },
      { code: '5', name: 'Unknown area', area: null },
    ];
    const after = [
      { code: '1', name: 'Flensburg - Schleswig', area: 2140 },
      { code: '2', name: 'Nordfriesland', area: 2777.9 },
      { code: '3', name: 'Steinburg-Nord', area: 1000 },
      { code: '5', name: 'Unknown area', area: 5 },
      { code: '10', name: 'New', area: 1 },
    ];
    const diff = compareEditions(before, after);
    expect(diff.unchanged).toEqual(['1']);
    expect(Object.fromEntries(diff.changed.map((c) => [c.code, c.why]))).toEqual({
      '2': 'area 2,300 → 2,777.9 km²',
      '3': 'renamed from "Steinburg" to "Steinburg-Nord"',
      '4': 'not in this edition',
      '5': 'area unknown, so the boundaries cannot be compared',
      '10': 'new in this edition',
    });
  });

  it('reads names as people do: case, spacing and dashes do not matter', () => {
    expect(sameName('Flensburg – Schleswig', 'flensburg-Schleswig ')).toBe(true);
    expect(sameName('Halle', 'Anhalt')).toBe(false);
  });

  it('orders sets newest edition first, sets without a year last', () => {
    const at = (edition: string, day: string) => ({ edition, createdAt: new Date(day) });
    const sets = [
      at('', '2026-03-01'),
      at('2021', '2026-02-01'),
      at('2025', '2026-01-01'),
      at('legacy', '2026-04-01'),
    ];
    expect(newestFirst(sets).map((s) => s.edition)).toEqual(['2025', '2021', 'legacy', '']);
  });
});
