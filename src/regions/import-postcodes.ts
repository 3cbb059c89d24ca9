import { readCsv } from '../csv/csv-reader.js';
import {
  RowErrors,
  type FileReading,
  type ImportContext,
  type ImportCounts,
  type ImportOptions,
} from '../csv/import-context.js';
import { headerList, looksLikeHeader, mappedFields, resolveMapping } from '../csv/mapping.js';
import { FileRejected } from '../csv/sniff.js';
import { setKey } from './editions.js';
import { currentSet } from './region-sets.js';

const ALIASES = {
  postcode: ['postcode', 'postal_code', 'plz', 'postleitzahl', 'zip'],
  region: ['region', 'region_code', 'wahlkreis', 'wahlkreis-nr.', 'wkr', 'wkr_nr', 'code'],
};
type Field = keyof typeof ALIASES;
export const POSTCODE_MAPPING_KEYS: Record<string, Field> = { postcode: 'postcode', region: 'region' };
const norm = (s: string) => s.trim().toLowerCase();

function columnOf(names: string[], field: Field, mapping: Partial<Record<Field, string>>): number {
  const mapped = mapping[field];
  return mapped !== undefined
    ? names.indexOf(norm(mapped))
    : names.findIndex((n) => ALIASES[field].includes(n));
}

/** The columns of a postcodes file's two fields. */
export type PostcodeColumns = Record<Field, number>;

/** How a postcodes file is recognised and which of its columns hold the postal code and the region. */
export function postcodesReading(options: Pick<ImportOptions, 'mapping'>): FileReading<PostcodeColumns> {
  const mapped = mappedFields(options.mapping, POSTCODE_MAPPING_KEYS);
  return {
    isHeader: (cells) => {
      const names = cells.map(norm);
      return columnOf(names, 'postcode', mapped) >= 0 && columnOf(names, 'region', mapped) >= 0;
    },
    expectedHeader: 'a postal code column (postcode, plz) and a region column (region, wahlkreis)',
    explainNoHeader: (first) =>
      looksLikeHeader(first)
        ? `${headerList(first)} has no postal code column (postcode, plz) and region column (region, ` +
          `wahlkreis) both: name them in a mapping ({"postcode": "…", "region": "…"})`
        : undefined,
    layout: (header) => {
      const names = header.map(norm);
      const mapping = resolveMapping(options.mapping, POSTCODE_MAPPING_KEYS, header, 'postcodes file');
      return { postcode: columnOf(names, 'postcode', mapping), region: columnOf(names, 'region', mapping) };
    },
  };
}

/** One row of a postcodes file: the postal code and the region code, or why the row cannot be used. */
export function postcodeRow(
  cells: string[],
  at: PostcodeColumns,
): { postcode: string; region: string } | { column: Field; reason: string } {
  const postcode = cells[at.postcode].trim();
  const region = cells[at.region].trim().replace(/^0+(?=\d)/, '');
  if (!/^[0-9A-Za-z -]{3,10}$/.test(postcode))
    return { column: 'postcode', reason: `"${postcode}" is not a postal code` };
  if (!region) return { column: 'region', reason: 'region is empty' };
  return { postcode, region };
}

/**
 * Postal code → region table of one set: the edition given, or the level's current set. A postal code spanning
 * several regions is assigned to the one named last.
 */
export async function importPostcodes(ctx: ImportContext): Promise<ImportCounts> {
  const level = ctx.options.regionLevel ?? 'constituency';
  const errors = new RowErrors();
  const pairs = new Map<string, { line: number; region: string }>();
  let at: PostcodeColumns = { postcode: -1, region: -1 };
  let read = 0;
  const reading = postcodesReading(ctx.options);
  await readCsv(
    ctx.path,
    {
      encoding: ctx.options.encoding,
      maxLineBytes: ctx.options.maxLineBytes,
      isHeader: reading.isHeader,
      expectedHeader: reading.expectedHeader,
      explainNoHeader: reading.explainNoHeader,
      onHeader: (header, sniffed, preamble) => {
        at = reading.layout(header, sniffed, preamble);
      },
    },
    ({ line, cells, problem }) => {
      read++;
      if (problem) return errors.add(line, problem);
      const row = postcodeRow(cells, at);
      if ('reason' in row) return errors.add(line, row.reason, row.column);
      pairs.set(row.postcode, { line, region: row.region });
    },
  );
  ctx.onProgress?.(read);
  const rows = [...pairs].map(([postcode, { line, region }]) => ({ postcode, line, region }));
  return ctx.dataSource.transaction(async (manager) => {
    const wanted = ctx.options.edition ? setKey(level, ctx.options.edition) : null;
    const sets: { id: string; key: string }[] = wanted
      ? await manager.query(`SELECT id, key FROM region_sets WHERE key = $1`, [wanted])
      : [await currentSet(manager, level)].filter((s) => s !== null);
    if (sets.length === 0)
      throw new FileRejected(
        wanted
          ? `there is no region set ${wanted}`
          : `no regions of level "${level}" exist yet: import regions first`,
      );
    const set = sets[0];
    const known: { code: string }[] = await manager.query(`SELECT code FROM regions WHERE set_id = $1`, [
      set.id,
    ]);
    const codes = new Set(known.map((k) => k.code));
    const good = rows.filter(
      (r) =>
        codes.has(r.region) ||
        (errors.add(r.line, `unknown ${level} "${r.region}" in ${set.key}`, 'region'), false),
    );
    const written: { inserted: boolean }[] = await manager.query(
      `INSERT INTO postcodes (set_id, postcode, region_id)
       SELECT $2, p.postcode, r.id FROM jsonb_to_recordset($1::jsonb) AS p(postcode text, region text)
       JOIN regions r ON r.set_id = $2 AND r.code = p.region
       ON CONFLICT (postcode, set_id) DO UPDATE SET region_id = EXCLUDED.region_id
       WHERE postcodes.region_id IS DISTINCT FROM EXCLUDED.region_id
       RETURNING (xmax = 0) AS inserted`,
      [JSON.stringify(good.map(({ postcode, region }) => ({ postcode, region }))), set.id],
    );
    const inserted = written.filter((w) => w.inserted).length;
    return {
      read,
      inserted,
      updated: written.length - inserted,
      unchanged: good.length - written.length,
      rejected: errors.rejectedRows,
      errors: errors.sorted(),
      report: { sets: [set.key] },
    };
  });
}
