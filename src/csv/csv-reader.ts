import { createReadStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import Papa from 'papaparse';
import { FileRejected, readSample, sniff, type Encoding, type Sniffed } from './sniff.js';

export interface CsvRecord {
  /** Physical line number of the record's first line (1-based, counting every line of the file). */
  line: number;
  cells: string[];
  /** Set when the record cannot be used as it is (a quote that never closes, too many or too few fields). */
  problem?: string;
}

export interface ReadOptions {
  encoding?: Encoding;
  /** A longer line is reported as a problem of its own and never held whole in memory (default 64 KiB). */
  maxLineBytes?: number;
  /** Rows before the first row for which this returns true are preamble and are skipped. */
  isHeader: (cells: string[]) => boolean;
  /** What the file must contain, to say in the error when no header is found. */
  expectedHeader: string;
  /** When no header is found: why the first row, if it looks like one, is not (replaces "no header row found"). */
  explainNoHeader?: (firstRow: string[]) => string | undefined;
  /** Called once, when the header row is found, before the first record. */
  /** `preamble`: the lines before the header (titles, notes), their cells joined by spaces. */
  onHeader?: (header: string[], sniffed: Sniffed, preamble: string[]) => void;
  /** Stop after this many records (a preview): the rest of the file is not read. */
  maxRecords?: number;
  /** The input is only the beginning of a file: it may end inside a character, which is then not an error. */
  endsEarly?: boolean;
}

/** Per-record handler; return a promise to hold the parser until it settles (back-pressure). */
export type RecordHandler = (record: CsvRecord) => void | Promise<void>;

function decoder(encoding: Encoding, endsEarly: boolean): Transform {
  const text = new TextDecoder(encoding, { fatal: true });
  let offset = 0;
  return new Transform({
    readableObjectMode: false,
    transform(chunk: Buffer, _enc, done) {
      try {
        const out = text.decode(chunk, { stream: true });
        offset += chunk.length;
        done(null, out);
      } catch {
        done(new FileRejected(`the file is not valid ${encoding} (near byte ${offset})`));
      }
    },
    flush(done) {
      try {
        done(null, text.decode());
      } catch {
        if (endsEarly) done(null, '');
        else done(new FileRejected(`the file is not valid ${encoding} (it ends inside a character)`));
      }
    },
  });
}

export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;
/** Empty lines are all counted; this many are listed by number. */
const MAX_SKIPPED_LISTED = 1000;
/** Titles and notes above the header kept for the importer (an edition, a date); the rest is skipped. */
const MAX_PREAMBLE_LINES = 100;
/** Stands in for the rest of a line that was too long: no text of a file contains it. */
const TOO_LONG = '\u0000\u0000line-too-long\u0000\u0000';

/**
 * Lets at most `limit` bytes (UTF-8) of any line through; the rest of a longer line is dropped as it streams and
 * marked, so that the reader reports the line and goes on with the next one, with memory bounded by the limit.
 */
function capLines(limit: number): Transform {
  let used = 0;
  let dropping = false;
  return new Transform({
    decodeStrings: false,
    encoding: 'utf8',
    transform(chunk: string, _enc, done) {
      let out = '';
      for (let start = 0; start <= chunk.length;) {
        const newline = chunk.indexOf('\n', start);
        const end = newline === -1 ? chunk.length : newline;
        if (!dropping) {
          const piece = chunk.slice(start, end);
          const size = Buffer.byteLength(piece);
          if (used + size > limit) {
            dropping = true;
            out += TOO_LONG;
          } else {
            out += piece;
            used += size;
          }
        }
        if (newline === -1) break;
        out += '\n';
        used = 0;
        dropping = false;
        start = newline + 1;
      }
      done(null, out);
    },
  });
}

/** Checks a record's width against the header. Trailing empty cells (a `;` at line end) are not extra fields. */
function checkWidth(cells: string[], width: number): string | undefined {
  let n = cells.length;
  while (n > width && cells[n - 1].trim() === '') n--;
  if (n > width) return `too many fields: expected ${width}, found ${n}`;
  if (n < width) return `too few fields: expected ${width}, found ${n}`;
  return undefined;
}

function countNewlines(cells: string[]): number {
  let n = 0;
  for (const cell of cells) for (let i = cell.indexOf('\n'); i !== -1; i = cell.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Streams a CSV file (a path, or bytes already in memory) record by record: detects encoding and delimiter, skips
 * the preamble up to the header, hands each record to `onRecord` with its line number and pauses the parser while
 * a returned promise is pending, so memory stays flat however big the file is. Resolves with the header and what
 * was sniffed; `more` says that it stopped at `maxRecords` with records left.
 */
export async function readCsv(
  file: string | Buffer,
  options: ReadOptions,
  onRecord: RecordHandler,
): Promise<{ header: string[]; sniffed: Sniffed; skipped: number; skippedLines: number[]; more: boolean }> {
  const sniffed = sniff(await readSample(file), options.encoding);
  const source =
    typeof file === 'string'
      ? createReadStream(file, { highWaterMark: 256 * 1024 })
      : Readable.from([file], { objectMode: false });
  const limit = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const decoded = source.pipe(decoder(sniffed.encoding, options.endsEarly ?? false));
  const text = decoded.pipe(capLines(limit));
  source.on('error', (e: Error) => decoded.destroy(e));
  decoded.on('error', (e) => text.destroy(e));

  return new Promise((resolve, reject) => {
    let header: string[] | undefined;
    const preamble: string[] = [];
    let skipped = 0;
    const skippedLines: number[] = [];
    let firstRow: string[] | undefined;
    let nextLine = 1;
    let records = 0;
    let failed = false;
    let stopped = false;
    const fail = (error: unknown, parser?: Papa.Parser) => {
      if (failed) return;
      failed = true;
      parser?.abort();
      source.destroy();
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    text.on('error', (e) => fail(e));

    Papa.parse<string[]>(text as unknown as Papa.LocalFile, {
      delimiter: sniffed.delimiter,
      skipEmptyLines: false,
      step: (results, parser) => {
        if (failed || stopped) return;
        const cells = results.data;
        const line = nextLine;
        nextLine += 1 + countNewlines(cells);
        const quoteError = results.errors.find((e) => e.type === 'Quotes');
        const tooLong = cells.some((cell) => cell.includes(TOO_LONG));
        if (tooLong && !header)
          return fail(new FileRejected(`line ${line} is longer than ${limit} bytes`), parser);
        // An empty line, or one of empty cells only (what spreadsheets leave below the data), is passed over.
        if (cells.every((cell) => cell.trim() === '') && !quoteError && !tooLong) {
          if (header && skipped++ < MAX_SKIPPED_LISTED) skippedLines.push(line);
          return;
        }
        if (!header) {
          if (!cells[0]?.startsWith('#') && firstRow === undefined) firstRow = cells;
          if (cells[0]?.startsWith('#') || !options.isHeader(cells)) {
            if (preamble.length < MAX_PREAMBLE_LINES)
              preamble.push(
                cells
                  .join(' ')
                  .replace(/^\uFEFF/, '')
                  .trim(),
              );
            return;
          }
          header = cells.map((c) => c.replace(/^\uFEFF/, '').trim());
          try {
            options.onHeader?.(header, sniffed, preamble);
          } catch (e) {
            fail(e, parser);
          }
          return;
        }
        if (records === options.maxRecords) {
          stopped = true;
          parser.abort();
          source.destroy();
          return resolve({ header, sniffed, skipped, skippedLines, more: true });
        }
        records++;
        const problem = tooLong
          ? `the line is longer than ${limit} bytes (MAX_LINE_BYTES)`
          : quoteError
            ? 'a quoted field is never closed'
            : checkWidth(cells, header.length);
        const record: CsvRecord = problem ? { line, cells: tooLong ? [] : cells, problem } : { line, cells };
        try {
          const pending = onRecord(record);
          if (pending) {
            parser.pause();
            pending.then(
              () => parser.resume(),
              (e: unknown) => fail(e, parser),
            );
          }
        } catch (e) {
          fail(e, parser);
        }
      },
      complete: () => {
        if (failed || stopped) return;
        if (!header)
          fail(
            new FileRejected(
              (firstRow && options.explainNoHeader?.(firstRow.map((c) => c.replace(/^\uFEFF/, '').trim()))) ??
                `no header row found: expected ${options.expectedHeader}`,
            ),
          );
        else resolve({ header, sniffed, skipped, skippedLines, more: false });
      },
      error: (e: Error) => fail(e),
    });
  });
}
