import {
  AttributeTypes,
  parseContactRow,
  type ContactRow,
  type FieldError,
} from '../contacts/contact-row.js';
import { consentColumnsOf, contactsReading, mappingUsed } from '../contacts/contact-columns.js';
import { readCsv } from '../csv/csv-reader.js';
import type { FileReading, ImportOptions, RowError } from '../csv/import-context.js';
import type { Delimiter, Encoding } from '../csv/sniff.js';
import { regionsReading } from '../regions/import-regions.js';
import { postcodeRow, postcodesReading } from '../regions/import-postcodes.js';
import { resultsReading } from '../regions/import-results.js';

/** Data rows a preview shows. */
export const PREVIEW_ROWS = 20;
/** The preview reads at most this much of an upload: the rest is received and dropped, never stored. */
export const PREVIEW_BYTES = 4 * 1024 * 1024;

/** Kinds whose files are tables (geometry is GeoJSON). */
export const PREVIEW_KINDS = ['regions', 'results', 'contacts', 'postcodes'] as const;
export type PreviewKind = (typeof PREVIEW_KINDS)[number];

export interface PreviewRow {
  line: number;
  /** The record's cells by the header's names (a nameless or repeated column by its position). */
  cells: Record<string, string>;
  /** Why the import would reject the row; empty if it would keep it. */
  errors: RowError[];
  /** What the import would drop from a row it keeps. */
  warnings: RowError[];
  /** Contacts: the row as the import takes it; null when rejected. */
  contact?: ContactRow | null;
}

export interface ImportPreview {
  encoding: Encoding;
  delimiter: Delimiter;
  header: string[];
  /** The mapping the file is read with: the one given, or the columns the header's names stand for. */
  mapping: Record<string, string>;
  rows: PreviewRow[];
  /** The file has rows beyond these. */
  more: boolean;
  consentColumns?: ReturnType<typeof consentColumnsOf>;
  attributeColumns?: { column: string; key: string }[];
  ignoredColumns?: string[];
  /** Contacts: of the rows previewed, how many would wait for a double opt-in request, per channel. */
  confirmations?: { email: number; sms: number };
}

/**
 * Whether a contact row leaves the person waiting for a double opt-in request on the channel: consent stated but
 * not confirmed with proof, and an address to ask at. The importer's consent statement (import-contacts.ts) reads
 * the same: email counts as confirmed only with the time and IP of the confirmation, SMS with its time.
 */
export function asksToConfirm(row: ContactRow, channel: 'email' | 'sms'): boolean {
  if (channel === 'email')
    return !!row.email && row.emailConsent === true && !(row.emailConfirmedAt && row.consentIp);
  return !!row.phone && !row.landline && row.smsConsent === true && !row.smsConfirmedAt;
}

/** What a preview makes of a file once its header is read: the importer's own reading of it and of each row. */
interface Previewer {
  mapping: Record<string, string>;
  extra?: Pick<ImportPreview, 'consentColumns' | 'attributeColumns' | 'ignoredColumns'>;
  row(cells: string[], line: number): Pick<PreviewRow, 'errors' | 'warnings' | 'contact'>;
  rejected?: Pick<PreviewRow, 'contact'>;
}

const at = (line: number) => (e: FieldError | { column?: string; reason: string }) => ({ line, ...e });

const PREVIEWS: Record<PreviewKind, (options: ImportOptions) => FileReading<Previewer>> = {
  contacts: (options) =>
    previewing(contactsReading(options), (ctx) => ({
      mapping: mappingUsed(ctx),
      extra: {
        consentColumns: consentColumnsOf(ctx),
        attributeColumns: ctx.columns.attributes.map(({ index, key }) => ({
          column: ctx.header[index],
          key,
        })),
        ignoredColumns: ctx.columns.ignored,
      },
      row: (cells, line) => {
        const { row, errors, warnings } = parseContactRow(cells, ctx);
        return { errors: errors.map(at(line)), warnings: warnings.map(at(line)), contact: row ?? null };
      },
      rejected: { contact: null },
    })),
  regions: (options) =>
    previewing(regionsReading(options), ({ layout }) => ({
      mapping: layout.mapping,
      row: (cells, line) => ({ errors: layout.parse(cells).errors.map(at(line)), warnings: [] }),
    })),
  postcodes: (options) =>
    previewing(postcodesReading(options), (columns, header) => ({
      mapping: { postcode: header[columns.postcode], region: header[columns.region] },
      row: (cells, line) => {
        const row = postcodeRow(cells, columns);
        return { errors: 'reason' in row ? [at(line)(row)] : [], warnings: [] };
      },
    })),
  results: (options) =>
    previewing(resultsReading(options), (results) => ({
      mapping: {},
      row: (cells, line) => {
        const error = results.add(cells);
        return { errors: error ? [at(line)(error)] : [], warnings: [] };
      },
    })),
};

function previewing<Layout>(
  reading: FileReading<Layout>,
  preview: (layout: Layout, header: string[]) => Previewer,
): FileReading<Previewer> {
  return {
    ...reading,
    layout: (header, sniffed, preamble) => preview(reading.layout(header, sniffed, preamble), header),
  };
}

/** The attr_ columns that hold numbers in the rows shown, as the import decides it over the whole file. */
function numericAttributes(rows: PreviewRow[], delimiter: Delimiter): void {
  const types = new AttributeTypes(delimiter);
  const seen = rows.map((r) =>
    Object.entries(r.contact?.attributes ?? {}).map(([key, v]) => [key, types.see(key, String(v))] as const),
  );
  const numeric = types.numeric();
  rows.forEach((r, i) => {
    for (const [key, parsed] of seen[i]) {
      const style = numeric.get(key);
      if (style && r.contact) r.contact.attributes[key] = parsed[style]!;
    }
  });
}

/** A record's cells by column name; a column without a name, or with the name of an earlier one, by its position. */
function byHeader(header: string[], cells: string[]): Record<string, string> {
  const named: Record<string, string> = {};
  cells.forEach((cell, i) => {
    const name = header[i] || `column ${i + 1}`;
    named[name in named ? `${name} (column ${i + 1})` : name] = cell;
  });
  return named;
}

/**
 * The beginning of a file as the import of `kind` would read it, writing nothing: how it is encoded and
 * delimited, its header and the mapping it is read with, and its first rows, each with what the import would make
 * of it (the same row parsing) and why it would reject the row or drop a value. Checks that need the rows already
 * stored (duplicates, existing contacts, erased people, unknown regions) are the import's own. `endsEarly`: the
 * bytes are only the file's beginning, so the last record read may be cut off and is left out. A file the import
 * would refuse whole throws FileRejected, as the import does.
 */
export async function previewImport(
  kind: PreviewKind,
  file: Buffer,
  endsEarly: boolean,
  options: ImportOptions,
): Promise<ImportPreview> {
  const reading = PREVIEWS[kind](options);
  let previewer: Previewer | undefined;
  let names: string[] = [];
  const rows: PreviewRow[] = [];
  const { header, sniffed, more } = await readCsv(
    file,
    {
      encoding: options.encoding,
      maxLineBytes: options.maxLineBytes,
      isHeader: reading.isHeader,
      expectedHeader: reading.expectedHeader,
      explainNoHeader: reading.explainNoHeader,
      onHeader: (h, s, preamble) => {
        names = h;
        previewer = reading.layout(h, s, preamble);
      },
      maxRecords: PREVIEW_ROWS,
      endsEarly,
    },
    ({ line, cells, problem }) => {
      rows.push({
        line,
        cells: byHeader(names, cells),
        ...(problem
          ? { errors: [{ line, reason: problem }], warnings: [], ...previewer!.rejected }
          : previewer!.row(cells, line)),
      });
    },
  );
  if (endsEarly && !more) rows.pop();
  numericAttributes(rows, sniffed.delimiter);
  const contacts = rows.flatMap((r) => (r.contact ? [r.contact] : []));
  return {
    ...(kind === 'contacts' && {
      confirmations: {
        email: contacts.filter((c) => asksToConfirm(c, 'email')).length,
        sms: contacts.filter((c) => asksToConfirm(c, 'sms')).length,
      },
    }),
    encoding: sniffed.encoding,
    delimiter: sniffed.delimiter,
    header,
    mapping: previewer!.mapping,
    ...previewer!.extra,
    rows,
    more: more || endsEarly,
  };
}
