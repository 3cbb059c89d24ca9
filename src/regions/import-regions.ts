import { readCsv } from '../csv/csv-reader.js';
import { FileRejected } from '../csv/sniff.js';
import { RowErrors, Stopwatch, type ImportContext, type ImportCounts } from '../csv/import-context.js';
import { isRegionsHeader, regionLayout, type RegionLayout, type RegionRow } from './region-rows.js';
import { upsertFeatures, upsertRegions } from './region-writer.js';

/** Regions files are small (hundreds to tens of thousands of rows), so rows are checked as a whole before writing. */
export async function importRegions(ctx: ImportContext): Promise<ImportCounts> {
  const errors = new RowErrors();
  const clock = new Stopwatch();
  const rows: { line: number; row: RegionRow }[] = [];
  let layout: RegionLayout | undefined;
  let read = 0;

  await readCsv(
    ctx.path,
    {
      encoding: ctx.options.encoding,
      maxLineBytes: ctx.options.maxLineBytes,
      isHeader: isRegionsHeader,
      expectedHeader: 'the official Strukturdaten header (Land;Wahlkreis-Nr.;…) or columns code and name',
      onHeader: (h, sniffed) => {
        layout = regionLayout(h, sniffed.delimiter);
        if (layout.features.length === 0)
          throw new FileRejected('no numeric feature columns besides code and name');
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
  await resolveParents(ctx, kept, errors);
  const good = kept.filter(({ line }) => !errors.has(line)).map(({ row }) => row);

  const counts = await ctx.dataSource.transaction(async (manager) => {
    await upsertFeatures(manager, layout!.features, 'regions');
    return upsertRegions(manager, good);
  });
  clock.lap('write');
  return { read, ...counts, rejected: errors.rejectedRows, errors: errors.sorted(), timings: clock.laps };
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
      `SELECT code, array_agg(level) AS levels FROM regions WHERE code = ANY($1) GROUP BY code`,
      [unknown],
    );
    for (const f of found) levelsInDb.set(f.code, f.levels);
  }
  const stateCodesInDb = new Map<string, string>();
  if (rows.some(({ row }) => row.parentName && !stateByName.has(row.parentName))) {
    const states: { code: string; name: string }[] = await ctx.dataSource.query(
      `SELECT code, name FROM regions WHERE level = 'state'`,
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
