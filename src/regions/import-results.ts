import { readCsv } from '../csv/csv-reader.js';
import { RowErrors, Stopwatch, type ImportContext, type ImportCounts } from '../csv/import-context.js';
import {
  resultsAccumulator,
  RESULTS_COLUMNS,
  isResultsHeader,
  type ResultsAccumulator,
} from './election-results.js';
import { upsertFeatures, upsertRegions } from './region-writer.js';

/** Election results become region features; areas not yet known are created with their name and parent. */
export async function importResults(ctx: ImportContext): Promise<ImportCounts> {
  const errors = new RowErrors();
  const clock = new Stopwatch();
  let results: ResultsAccumulator | undefined;
  let read = 0;
  await readCsv(
    ctx.path,
    {
      encoding: ctx.options.encoding,
      maxLineBytes: ctx.options.maxLineBytes,
      isHeader: isResultsHeader,
      expectedHeader: `the columns ${RESULTS_COLUMNS.join(', ')}`,
      onHeader: (header) => {
        results = resultsAccumulator(header);
      },
    },
    ({ line, cells, problem }) => {
      read++;
      if (problem) return errors.add(line, problem);
      const error = results!.add(cells);
      if (error) errors.add(line, error.reason, error.column);
    },
  );
  ctx.onProgress?.(read);
  clock.lap('read');
  const counts = await ctx.dataSource.transaction(async (manager) => {
    await upsertFeatures(manager, results!.features(), 'results');
    return upsertRegions(manager, results!.regions());
  });
  clock.lap('write');
  return { read, ...counts, rejected: errors.rejectedRows, errors: errors.sorted(), timings: clock.laps };
}
