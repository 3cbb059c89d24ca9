/** How a file writes numbers: German `2.124,3` or English `2,124.3`. */
export type NumberStyle = 'de' | 'en';

/** Cells the German statistical offices use for "no value" (nothing, not available, secret, not applicable). */
const MISSING = new Set(['', '-', '–', '—', '.', '…', '...', 'x', 'X', '/', '•']);

const PATTERNS: Record<NumberStyle, { pattern: RegExp; group: RegExp; decimal: string }> = {
  de: { pattern: /^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$/, group: /\./g, decimal: ',' },
  en: { pattern: /^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$/, group: /,/g, decimal: '.' },
};

export class NumberFormatError extends Error {}

/**
 * Parses one cell. Returns null for the official "no value" markers, throws NumberFormatError for anything
 * that is not a number in the given style (so `1.5` in a German file is an error, not 15 or 1.5).
 */
export function parseNumber(raw: string, style: NumberStyle): number | null {
  const cell = raw.trim().replace(/^−/, '-');
  if (MISSING.has(cell)) return null;
  const { pattern, group, decimal } = PATTERNS[style];
  if (!pattern.test(cell)) {
    throw new NumberFormatError(`"${raw.length > 40 ? raw.slice(0, 40) + '…' : raw}" is not a number`);
  }
  return Number(cell.replace(group, '').replace(decimal, '.'));
}

/** Official area numbers are integers, written `1` in 2025 and `001` in 2021: both become "1". */
export function canonicalAreaNumber(raw: string): string | null {
  const cell = raw.trim();
  return /^\d+$/.test(cell) ? String(Number(cell)) : null;
}
