import { readCsv } from '../csv/csv-reader.js';
import {
  RowErrors,
  Stopwatch,
  type FileReading,
  type ImportContext,
  type ImportCounts,
  type ImportOptions,
} from '../csv/import-context.js';
import {
  resultsAccumulator,
  RESULTS_COLUMNS,
  isResultsHeader,
  type ResultsAccumulator,
} from './election-results.js';
import { FileRejected } from '../csv/sniff.js';
import { writeIntoSets } from './region-sets.js';

/** Results files have the official layout and no mapping: their header is the published one. */
export function resultsReading(options: Pick<ImportOptions, 'mapping'>): FileReading<ResultsAccumulator> {
  if (options.mapping)
    throw new FileRejected(
      'results files have the official layout and are read as published: they take no mapping',
    );
  return {
    isHeader: isResultsHeader,
    expectedHeader: `the columns ${RESULTS_COLUMNS.join(', ')}`,
    layout: (header) => resultsAccumulator(header),
  };
}

/**
 * Election results become dated values of the districts of their election (the edition is the election's year, or
 * the one given: a repeat election keeps the boundaries of the first). Areas not yet known are created.
 */
export async function importResults(ctx: ImportContext): Promise<ImportCounts> {
  const reading = resultsReading(ctx.options);
  const errors = new RowErrors();
  const clock = new Stopwatch();
  let results: ResultsAccumulator | undefined;
  let read = 0;
  await readCsv(
    ctx.path,
    {
      encoding: ctx.options.encoding,
      maxLineBytes: ctx.options.maxLineBytes,
      isHeader: reading.isHeader,
      expectedHeader: reading.expectedHeader,
      onHeader: (header, sniffed, preamble) => {
        results = reading.layout(header, sniffed, preamble);
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
  const years = [...new Set(results!.days().map((day) => day.slice(0, 4)))];
  if (!ctx.options.edition && years.length > 1)
    throw new FileRejected(
      `the file has results of several elections (${years.join(', ')}): import them one by one, or name the edition`,
    );
  const edition = ctx.options.edition ?? years[0];
  if (!edition) throw new FileRejected('the file has no results');
  const written = await writeIntoSets(ctx, edition, results!.regions(), results!.features(), 'results');
  clock.lap('write');
  return { read, ...written, rejected: errors.rejectedRows, errors: errors.sorted(), timings: clock.laps };
}
