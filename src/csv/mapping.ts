import { FileRejected } from './sniff.js';

/**
 * A mapping as a person writes it: our key → the file's column, and under `ignore` the columns to leave unread
 * (one name or a list).
 */
export type ColumnMapping = Record<string, string | string[]>;

/** The mapping key that lists columns to leave unread. */
export const IGNORE_KEY = 'ignore';

/** The columns a mapping says to leave unread. */
export function ignoredByMapping(mapping: ColumnMapping | undefined): string[] {
  const listed = mapping?.[IGNORE_KEY];
  return listed === undefined ? [] : typeof listed === 'string' ? [listed] : listed;
}

/** The mapping's field keys with their columns, without the ignore list. */
function fieldEntries(mapping: ColumnMapping | undefined): [string, string][] {
  return Object.entries(mapping ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string');
}

/** Header names compared as people write them: case and spacing do not matter. */
export const headerName = (s: string) => s.trim().toLowerCase().replace(/\s+/g, '_');

/** The documented snake_case name of a field: emailConsent → email_consent (older mapping files wrote camelCase). */
export const snakeCase = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The mapping's keys as field names, unknown ones left out: enough to recognise the header row. */
export function mappedFields<Field extends string>(
  mapping: ColumnMapping | undefined,
  keys: Record<string, Field>,
): Partial<Record<Field, string>> {
  const fields: Partial<Record<Field, string>> = {};
  for (const [key, column] of fieldEntries(mapping)) {
    const field = keys[key] ?? keys[snakeCase(key)];
    if (field !== undefined) fields[field] = column;
  }
  return fields;
}

/**
 * Checks a mapping (our key → the file's column) against the keys a kind of file knows and the file's header, and
 * returns it by the importer's own field names. Keys are the documented snake_case names; camelCase is read as an
 * alias. An unknown key, a column the file does not have, or two keys on one column refuse the file before anything
 * is written, listing the valid keys and the file's columns. `ignore` lists columns to leave unread: each must be
 * in the file and named by no key. Without a header (a mapping saved for later files) only the keys and the
 * columns' distinctness are checked.
 */
export function resolveMapping<Field extends string>(
  mapping: ColumnMapping | undefined,
  keys: Record<string, Field>,
  header: string[] | undefined,
  what: string,
): Partial<Record<Field, string>> {
  if (!mapping) return {};
  const problems: string[] = [];
  const resolved: Partial<Record<Field, string>> = {};
  const columns = header && new Map(header.filter((h) => h !== '').map((h) => [headerName(h), h]));
  const taken = new Map<string, string>();
  for (const [key, column] of Object.entries(mapping)) {
    if (key === IGNORE_KEY) continue;
    if (typeof column !== 'string') {
      problems.push(`"${key}" must name one column`);
      continue;
    }
    const field = keys[key] ?? keys[snakeCase(key)];
    if (field === undefined) {
      problems.push(`unknown key "${key}"`);
      continue;
    }
    const name = headerName(column);
    if (columns && !columns.has(name))
      problems.push(`"${key}" names the column "${column}", which the file does not have`);
    else if (taken.has(name))
      problems.push(`"${key}" and "${taken.get(name)}" both name the column "${column}"`);
    taken.set(name, key);
    resolved[field] = column;
  }
  for (const column of ignoredByMapping(mapping)) {
    const name = headerName(column);
    if (columns && !columns.has(name))
      problems.push(`"${IGNORE_KEY}" names the column "${column}", which the file does not have`);
    else if (taken.has(name))
      problems.push(`"${IGNORE_KEY}" and "${taken.get(name)}" both name the column "${column}"`);
    taken.set(name, IGNORE_KEY);
  }
  if (problems.length)
    throw new FileRejected(
      `the mapping does not fit this ${what}: ${problems.join('; ')}. Valid keys: ${[...Object.keys(keys), IGNORE_KEY].join(', ')}` +
        (columns ? `. The file's columns: ${[...columns.values()].join(', ')}` : ''),
    );
  return resolved;
}

/** A row of names rather than values: at least two cells, text in each, no address and no number among them. */
export function looksLikeHeader(cells: string[]): boolean {
  const named = cells.filter((c) => c !== '');
  return (
    named.length >= 2 &&
    named.every((c) => /\p{L}/u.test(c) && !c.includes('@') && c.length <= 100) &&
    !named.some((c) => /^[+\d\s()./-]{6,}$/.test(c))
  );
}

/** "the header (A, B, C, …)": how a refusal names a header it could not read. */
export function headerList(cells: string[]): string {
  const named = cells.filter((c) => c !== '');
  return `the header (${named.slice(0, 12).join(', ')}${named.length > 12 ? ', …' : ''})`;
}
