import { readCsv } from '../csv/csv-reader.js';
import { FileRejected } from '../csv/sniff.js';
import {
  RowErrors,
  Stopwatch,
  type FileReading,
  type ImportContext,
  type ImportCounts,
  type ImportOptions,
} from '../csv/import-context.js';
import { editionFromNotes } from './editions.js';
import {
  headerList,
  ignoredByMapping,
  looksLikeHeader,
  mappedFields,
  resolveMapping,
} from '../csv/mapping.js';
import {
  isRegionsHeader,
  REGION_MAPPING_KEYS,
  regionLayout,
  type RegionLayout,
  type RegionRow,
} from './region-rows.js';
import { writeIntoSets } from './region-sets.js';

/** How a regions file is recognised and laid out, and the edition its districts belong to. */
export function regionsReading(
  options: Pick<ImportOptions, 'mapping' | 'edition'>,
): FileReading<{ layout: RegionLayout; edition: string }> {
  return {
    isHeader: (cells) => isRegionsHeader(cells, mappedFields(options.mapping, REGION_MAPPING_KEYS)),
    expectedHeader: 'the official Strukturdaten header (Land;Wahlkreis-Nr.;…) or columns code and name',
    explainNoHeader: (first) =>
      looksLikeHeader(first)
        ? `${headerList(first)} has no code and name columns (code, id, ags, key, schlüssel; name, label, ` +
          `bezeichnung) and is not the official Strukturdaten header: name them in a mapping ` +
          `({"code": "…", "name": "…"}), and list the columns that hold no numbers under "ignore"`
        : undefined,
    layout: (h, sniffed, preamble) => {
      const mapping = resolveMapping(options.mapping, REGION_MAPPING_KEYS, h, 'regions file');
      const layout = regionLayout(h, sniffed.delimiter, mapping, ignoredByMapping(options.mapping));
      if (layout.kind === 'strukturdaten' && options.mapping)
        throw new FileRejected('the official Strukturdaten layout is read as published: it takes no mapping');
      if (layout.features.length === 0)
        throw new FileRejected(
          'no numeric feature columns besides code and name (and the columns the mapping ignores)',
        );
      const edition =
        layout.kind === 'strukturdaten'
          ? officialEdition(preamble, options.edition)
          : (options.edition ?? '');
      return { layout, edition };
    },
  };
}

/** Regions files are small (hundreds to tens of thousands of rows), so rows are checked as a whole before writing. */
export async function importRegions(ctx: ImportContext): Promise<ImportCounts> {
  const errors = new RowErrors();
  const clock = new Stopwatch();
  const rows: { line: number; row: RegionRow }[] = [];
  let layout: RegionLayout | undefined;
  let edition = '';
  let read = 0;

  const reading = regionsReading(ctx.options);
  const { skipped, skippedLines } = await readCsv(
    ctx.path,
    {
      encoding: ctx.options.encoding,
      maxLineBytes: ctx.options.maxLineBytes,
      isHeader: reading.isHeader,
      expectedHeader: reading.expectedHeader,
      explainNoHeader: reading.explainNoHeader,
      onHeader: (h, sniffed, preamble) => {
        ({ layout, edition } = reading.layout(h, sniffed, preamble));
      },
    },
    ({ line, cells, problem }) => {
      read++;
      if (problem) return errors.add(line, problem);
      const { row, errors: cellErrors } = layout!.parse(cells);
      for (const e of cellErrors) errors.add(line, e.reason, e.column);
      if (row) rows.push({ line, row });
    },
  );
  ctx.onProgress?.(read);
  clock.lap('read');

  const kept = dedupe(rows, errors);
  await resolveParents(ctx, kept, errors, edition);
  const good = kept.filter(({ line }) => !errors.has(line)).map(({ row }) => row);

  const written = await writeIntoSets(ctx, edition, good, layout!.features, 'regions');
  clock.lap('write');
  return {
    read,
    skipped,
    ...written,
    report: { ...written.report, ignoredColumns: layout!.unread, skippedLines },
    rejected: errors.rejectedRows,
    errors: errors.sorted(),
    timings: clock.laps,
  };
}

/**
 * The election an official file's districts are drawn for, from its title; an edition given by hand must agree,
 * as the title names the boundaries exactly.
 */
function officialEdition(preamble: string[], given: string | undefined): string {
  const stated = editionFromNotes(preamble);
  if (stated && given && stated !== given)
    throw new FileRejected(`the file's title says its districts are those of ${stated}, not ${given}`);
  const edition = given ?? stated;
  if (!edition)
    throw new FileRejected(
      "the file's title does not say which election its districts are drawn for: name the edition (e.g. --edition 2025)",
    );
  return edition;
}

function dedupe(rows: { line: number; row: RegionRow }[], errors: RowErrors) {
  const first = new Map<string, number>();
  return rows.filter(({ line, row }) => {
    const key = `${row.level}\u0000${row.code}`;
    const earlier = first.get(key);
    if (earlier !== undefined) {
      errors.add(line, `duplicate of line ${earlier}: ${row.level} ${row.code} appears twice`);
      return false;
    }
    first.set(key, line);
    return true;
  });
}

/** Districts name their state; generic rows name a parent code, whose level we find in the file or database. */
async function resolveParents(
  ctx: ImportContext,
  rows: { line: number; row: RegionRow }[],
  errors: RowErrors,
  edition: string,
) {
  const stateByName = new Map(
    rows.filter(({ row }) => row.level === 'state').map(({ row }) => [row.name, row.code]),
  );
  const levelsInFile = new Map<string, Set<string>>();
  for (const { row } of rows) {
    const levels = levelsInFile.get(row.code) ?? new Set();
    levels.add(row.level);
    levelsInFile.set(row.code, levels);
  }
  const unknown = [
    ...new Set(
      rows.filter(({ row }) => row.parentCode && !row.parentLevel).map(({ row }) => row.parentCode!),
    ),
  ].filter((code) => !levelsInFile.has(code));
  const levelsInDb = new Map<string, string[]>();
  if (unknown.length) {
    const found: { code: string; levels: string[] }[] = await ctx.dataSource.query(
      `SELECT r.code, array_agg(r.level) AS levels FROM regions r JOIN region_sets s ON s.id = r.set_id
       WHERE r.code = ANY($1) AND s.edition = $2 GROUP BY r.code`,
      [unknown, edition],
    );
    for (const f of found) levelsInDb.set(f.code, f.levels);
  }
  const stateCodesInDb = new Map<string, string>();
  if (rows.some(({ row }) => row.parentName && !stateByName.has(row.parentName))) {
    const states: { code: string; name: string }[] = await ctx.dataSource.query(
      `SELECT r.code, r.name FROM regions r JOIN region_sets s ON s.id = r.set_id
       WHERE r.level = 'state' AND s.edition = $1`,
      [edition],
    );
    for (const s of states) stateCodesInDb.set(s.name, s.code);
  }

  for (const { line, row } of rows) {
    if (row.parentName) {
      const code = stateByName.get(row.parentName) ?? stateCodesInDb.get(row.parentName);
      if (code) [row.parentCode, row.parentLevel] = [code, 'state'];
      continue;
    }
    if (!row.parentCode || row.parentLevel) continue;
    const levels = [...(levelsInFile.get(row.parentCode) ?? levelsInDb.get(row.parentCode) ?? [])];
    if (levels.length === 1) row.parentLevel = levels[0];
    else if (levels.length === 0) errors.add(line, `parent region "${row.parentCode}" not found`, 'parent');
    else
      errors.add(
        line,
        `parent "${row.parentCode}" exists at levels ${levels.join(', ')}: add a parent_level column`,
        'parent',
      );
  }
}
