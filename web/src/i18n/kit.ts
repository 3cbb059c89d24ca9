/** The shared components' own words (tables, pagers, date fields). */
export const kitDe = {
  sortBy: (column: string) => `Nach „${column}“ sortieren`,
  empty: 'Keine Einträge.',
  previous: 'Zurück',
  next: 'Weiter',
  pageOf: (page: number, pages: number) => `Seite ${page} von ${pages}`,
  datePlaceholder: 'TT.MM.JJJJ',
  dateInvalid: 'Bitte ein Datum als TT.MM.JJJJ eingeben.',
};

export const kitEn: typeof kitDe = {
  sortBy: (column) => `Sort by “${column}”`,
  empty: 'Nothing here yet.',
  previous: 'Previous',
  next: 'Next',
  pageOf: (page, pages) => `Page ${page} of ${pages}`,
  datePlaceholder: 'DD/MM/YYYY',
  dateInvalid: 'Please enter a date as DD/MM/YYYY.',
};
