import { FileRejected } from './sniff.js';

/** Header names compared as people write them: case and spacing do not matter. */
export const headerName = (s: string) => s.trim().toLowerCase().replace(/\s+/g, '_');

/** The documented snake_case name of a field: emailConsent → email_consent (older mapping files wrote camelCase). */
export const snakeCase = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The mapping's keys as field names, unknown ones left out: enough to recognise the header row. */
export function mappedFields<Field extends string>(
  mapping: Record<string, string> | undefined,
  keys: Record<string, Field>,
): Partial<Record<Field, string>> {
  const fields: Partial<Record<Field, string>> = {};
  for (const [key, column] of Object.entries(mapping ?? {})) {
    const field = keys[key] ?? keys[snakeCase(key)];
    if (field !== undefined) fields[field] = column;
  }
  return fields;
}

/**
 * Checks a mapping (our key → the file's column) against the keys a kind of file knows and the file's header, and
 * returns it by the importer's own field names. Keys are the documented snake_case names; camelCase is read as an
 * alias. An unknown key, a column the file does not have, or two keys on one column refuse the file before anything
 * is written, listing the valid keys and the file's columns. Without a header (a mapping saved for later files)
 * only the keys and the columns' distinctness are checked.
 */
export function resolveMapping<Field extends string>(
  mapping: Record<string, string> | undefined,
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
  if (problems.length)
    throw new FileRejected(
      `the mapping does not fit this ${what}: ${problems.join('; ')}. Valid keys: ${Object.keys(keys).join(', ')}` +
        (columns ? `. The file's columns: ${[...columns.values()].join(', ')}` : ''),
    );
  return resolved;
}
