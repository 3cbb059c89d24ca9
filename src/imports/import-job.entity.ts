import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ImportReport, RowError } from '../csv/import-context.js';

export type { RowError } from '../csv/import-context.js';

export const IMPORT_KINDS = ['regions', 'results', 'contacts', 'postcodes', 'geometry'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** queued → running → completed (possibly with rejected rows) | rejected (whole file, nothing written) | failed. */
export type ImportStatus = 'queued' | 'running' | 'completed' | 'rejected' | 'failed';

/** Double opt-in requests an import would send (`email`, `sms`) and did send (`sent`). */
export interface ImportConfirmations {
  email: number;
  sms: number;
  sent: number;
}

@Entity('import_jobs')
export class ImportJob {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  kind: ImportKind;

  @Column('text', { name: 'file_name' })
  fileName: string;

  @Column('text', { default: 'queued' })
  status: ImportStatus;

  /** Options the job ran with (consent purpose, mapping, encoding). */
  @Column('jsonb', { default: {} })
  options: Record<string, unknown>;

  @Column('int', { default: 0 })
  read: number;

  /** Empty lines passed over. */
  @Column('int', { default: 0 })
  skipped: number;

  @Column('int', { default: 0 })
  inserted: number;

  @Column('int', { default: 0 })
  updated: number;

  @Column('int', { default: 0 })
  unchanged: number;

  @Column('int', { default: 0 })
  rejected: number;

  /** Rows kept with a value dropped or not placed in a region. */
  @Column('int', { default: 0 })
  warnings: number;

  /** The first warnings (line, column, reason); `warnings` holds the full count. */
  @Column('jsonb', { name: 'warning_list', default: [] })
  warningList: RowError[];

  /** The first rejected rows (line, column, reason); `rejected` holds the full count. */
  @Column('jsonb', { default: [] })
  errors: RowError[];

  /** Milliseconds per phase (read, dedupe, match, insert, update, consent, …). */
  @Column('jsonb', { default: {} })
  timings: Record<string, number>;

  /** What else the import did, beyond rows: the region sets written, a change of current set, edition changes. */
  @Column('jsonb', { default: {} })
  report: ImportReport;

  /**
   * A contacts import's double opt-in requests: how many people it left waiting to be asked per channel, and how
   * many requests it sent because staff asked it to (`sendConfirmations`); null for other kinds.
   */
  @Column('jsonb', { nullable: true })
  confirmations: ImportConfirmations | null;

  /** Why the whole file was rejected or the job failed. */
  @Column('text', { nullable: true })
  reason: string | null;

  @Column('uuid', { name: 'created_by', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'started_at', nullable: true })
  startedAt: Date | null;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt: Date | null;
}
