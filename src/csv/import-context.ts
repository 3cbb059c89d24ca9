import type { DataSource } from 'typeorm';
import type { ColumnMapping } from './mapping.js';
import type { Encoding, Sniffed } from './sniff.js';

export interface RowError {
  line: number;
  column?: string;
  /** In words, without the value. */
  reason: string;
  /** The value refused: personal data in a contacts import, shown only to roles that may read contacts. */
  value?: string;
}

export interface ImportOptions {
  /** Consent purpose that contact consent columns grant (default from config). */
  purpose?: string;
  /** Where the contacts came from (e.g. petition-2026): kept on new contacts, for retention rules. */
  source?: string;
  encoding?: Encoding;
  /** Header aliases from a mapping file: our field name → the file's column name; `ignore`: columns left unread. */
  mapping?: ColumnMapping;
  /** Region level that region codes in a contacts or postcodes file refer to. */
  regionLevel?: string;
  /**
   * Edition of the boundaries a regions, results, postcodes or geometry file describes (e.g. 2025), when it does
   * not say.
   */
  edition?: string;
  /**
   * Regions and geometry: make the sets this file is read into the current ones of their levels (contacts are
   * re-assigned).
   * Without it an import makes a set current only where its level has none yet.
   */
  makeCurrent?: boolean;
  /** With makeCurrent: contacts may be left without a region (else such a change is refused). */
  allowUnassigned?: boolean;
  /** The property of a geometry file's features holding the region code (common names are tried when not given). */
  codeProperty?: string;
  defaultCountry?: string;
  /** A line longer than this is refused (and not held in memory) while the file streams. */
  maxLineBytes?: number;
}

export interface ImportContext {
  dataSource: DataSource;
  path: string;
  fileName: string;
  jobId: string;
  options: ImportOptions;
  /** Called now and then with the number of rows read so far. */
  onProgress?: (read: number) => void;
}

/**
 * How an importer finds a file's header and what it makes of it: one description for the import and its preview,
 * so that the preview reads a file exactly as the import would.
 */
export interface FileReading<Layout> {
  isHeader: (cells: string[]) => boolean;
  /** What the file must contain, to say in the error when no header is found. */
  expectedHeader: string;
  /** Reads the header row (and the lines above it); throws FileRejected when the file cannot be imported. */
  layout: (header: string[], sniffed: Sniffed, preamble: string[]) => Layout;
  /**
   * When no header is found: why the file's first row, which looks like a header, is not one (e.g. it has no email
   * column); undefined when the first row does not look like a header.
   */
  explainNoHeader?: (firstRow: string[]) => string | undefined;
}

/** How a region set written by an import compares with another edition of its level. */
export interface EditionChanges {
  set: string;
  comparedWith: string;
  unchanged: number;
  changedCount: number;
  /** The first changed regions: code, name and area in both editions, and why they differ. */
  changed: {
    code: string;
    before: { name: string; area: number | null } | null;
    after: { name: string; area: number | null } | null;
    why: string;
  }[];
}

/** A level whose current set changed, and where its contacts went. */
export interface CurrentSetChange {
  level: string;
  from: string | null;
  to: string;
  /**
   * Contacts placed by their postal code, kept in the same district (boundaries unchanged), left without one, and
   * how many of them changed region.
   */
  contacts: { byPostcode: number; sameDistrict: number; unassigned: number; moved: number };
}

/** A column of the file the import did not read, and why. */
export interface IgnoredColumn {
  column: string;
  /** In words: "no mapping for it", "the mapping says to ignore it". */
  reason: string;
  /** Its name reads like consent or an opt-out: nothing in it was recorded. */
  consentLike?: boolean;
}

export interface ImportReport {
  /** The region sets the file was read into, e.g. constituency/2025. */
  sets?: string[];
  editions?: EditionChanges[];
  current?: CurrentSetChange[];
  /** Every column of the file that was not read. */
  ignoredColumns?: IgnoredColumn[];
  /** The numbers of the empty lines passed over (the first MAX_STORED_ERRORS). */
  skippedLines?: number[];
}

export interface ImportCounts {
  read: number;
  /** Empty lines (and lines of empty cells) passed over. */
  skipped?: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  errors: RowError[];
  /** Rows kept with a value dropped or unplaced (a bad optional phone, an unknown postal code): line, column, reason. */
  warnings?: number;
  warningList?: RowError[];
  /** Milliseconds per phase, e.g. { read: 2400, insert: 1200 }. */
  timings?: Record<string, number>;
  report?: ImportReport;
}

/** Records how long each phase of an import took. */
export class Stopwatch {
  readonly laps: Record<string, number> = {};
  private last = performance.now();

  lap(name: string): void {
    const now = performance.now();
    this.laps[name] = Math.round(now - this.last);
    this.last = now;
  }
}

export const MAX_STORED_ERRORS = 1000;

/**
 * Collects the lines of rejected rows (or of warnings): every line is counted, the first MAX_STORED_ERRORS reasons
 * are kept.
 */
export class RowErrors {
  readonly list: RowError[] = [];
  private readonly lines = new Set<number>();
  private extraLines = 0;

  add(line: number, reason: string, column?: string, value?: string): void {
    if (this.list.length < MAX_STORED_ERRORS)
      this.list.push({ line, ...(column && { column }), reason, ...(value !== undefined && { value }) });
    if (this.lines.size < 1_000_000) this.lines.add(line);
    else this.extraLines++;
  }

  has(line: number): boolean {
    return this.lines.has(line);
  }

  get rejectedRows(): number {
    return this.lines.size + this.extraLines;
  }

  sorted(): RowError[] {
    return [...this.list].sort((a, b) => a.line - b.line);
  }
}

/** Fields longer than this are refused rather than stored (a name or an email never needs more). */
export const MAX_FIELD_LENGTH = 1000;
