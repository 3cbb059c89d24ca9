/**
 * CSV for download, safe to open in a spreadsheet: fields quoted as RFC 4180 says, and a text cell that a spreadsheet
 * would run as a formula (starting with = + - @, a tab or a carriage return) prefixed with an apostrophe (OWASP's
 * advice against CSV injection). Numbers are written as numbers, so a negative count stays a number.
 */
export type CsvCell = string | number | boolean | null;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: CsvCell): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A header row and the rows, each line ended by CRLF. */
export const toCsv = (header: string[], rows: CsvCell[][]): string =>
  [header, ...rows].map((row) => row.map(csvCell).join(',') + '\r\n').join('');
