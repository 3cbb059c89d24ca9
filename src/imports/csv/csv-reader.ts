import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';
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
  /** Rows before the first row for which this returns true are preamble and are skipped. */
  isHeader: (cells: string[]) => boolean;
  /** What the file must contain, to say in the error when no header is found. */
  expectedHeader: string;
  /** Called once, when the header row is found, before the first record. */
  onHeader?: (header: string[], sniffed: Sniffed) => void;
}

/** Per-record handler; return a promise to hold the parser until it settles (back-pressure). */
export type RecordHandler = (record: CsvRecord) => void | Promise<void>;

function decoder(encoding: Encoding): Transform {
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
        done(new FileRejected(`the file is not valid ${encoding} (it ends inside a character)`));
      }
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
 * Streams a CSV file record by record: detects encoding and delimiter, skips the preamble up to the header,
 * hands each record to `onRecord` with its line number and pauses the parser while a returned promise is
 * pending, so memory stays flat however big the file is. Resolves with the header and what was sniffed.
 */
export async function readCsv(
  path: string,
  options: ReadOptions,
  onRecord: RecordHandler,
): Promise<{ header: string[]; sniffed: Sniffed }> {
  const sniffed = sniff(await readSample(path), options.encoding);
  const source = createReadStream(path, { highWaterMark: 256 * 1024 });
  const text = source.pipe(decoder(sniffed.encoding));
  source.on('error', (e) => text.destroy(e));

  return new Promise((resolve, reject) => {
    let header: string[] | undefined;
    let nextLine = 1;
    let failed = false;
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
        if (failed) return;
        const cells = results.data;
        const line = nextLine;
        nextLine += 1 + countNewlines(cells);
        const quoteError = results.errors.find((e) => e.type === 'Quotes');
        if (cells.length === 1 && cells[0].trim() === '' && !quoteError) return;
        if (!header) {
          if (cells[0]?.startsWith('#')) return;
          if (options.isHeader(cells)) {
            header = cells.map((c) => c.replace(/^\uFEFF/, '').trim());
            try {
              options.onHeader?.(header, sniffed);
            } catch (e) {
              fail(e, parser);
            }
          }
          return;
        }
        const problem = quoteError ? 'a quoted field is never closed' : checkWidth(cells, header.length);
        const record: CsvRecord = problem ? { line, cells, problem } : { line, cells };
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
        if (failed) return;
        if (!header) fail(new FileRejected(`no header row found: expected ${options.expectedHeader}`));
        else resolve({ header, sniffed });
      },
      error: (e: Error) => fail(e),
    });
  });
}
