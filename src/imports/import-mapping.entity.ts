import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { ColumnMapping } from '../csv/mapping.js';
import type { ImportKind } from './import-job.entity.js';

/** A mapping kept under a name, for the files of one kind that come again and again (a CRM's weekly export). */
@Entity('import_mappings')
export class ImportMapping {
  @PrimaryColumn('text')
  name: string;

  @Column('text')
  kind: ImportKind;

  /** Our field → the file's column, and `ignore`: the columns left unread, as a mapping given with an import. */
  @Column('jsonb')
  mapping: ColumnMapping;

  @Column('uuid', { name: 'created_by', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
