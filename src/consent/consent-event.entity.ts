import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  JoinColumn,
  ManyToOne,
  type Relation,
} from 'typeorm';
import type { Contact } from '../contacts/contact.entity.js';
// By name, not by class: the entity of a higher room is only a type here (see .dependency-cruiser.cjs).
import type { Channel, ConsentAction, ConsentSource } from './consent.js';

/**
 * Append-only: the truth about consent. Rows are never updated, except that erasure strips them of
 * everything that points to the person.
 * The evidence columns are what we show a regulator or a court.
 */
@Entity('consent_events')
@Index(['contactId', 'channel', 'purpose', 'id'])
export class ConsentEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  /** Empty once the contact is erased: the event stays, anonymised, as the record that consent existed. */
  @Column('uuid', { name: 'contact_id', nullable: true })
  contactId: string | null;

  @ManyToOne('Contact', { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'contact_id' })
  contact?: Relation<Contact>;

  @Column('text')
  channel: Channel;

  @Column('text')
  purpose: string;

  @Column('text')
  action: ConsentAction;

  @Column('text')
  source: ConsentSource;

  /** When the person gave or withdrew consent, as evidenced (may predate recording, e.g. for imports). */
  @Column('timestamptz', { name: 'occurred_at' })
  occurredAt: Date;

  @CreateDateColumn({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt: Date;

  @Column('inet', { nullable: true })
  ip: string | null;

  @Column('text', { name: 'user_agent', nullable: true })
  userAgent: string | null;

  @Column('text', { name: 'text_version', nullable: true })
  textVersion: string | null;

  @Column('uuid', { name: 'import_job_id', nullable: true })
  importJobId: string | null;

  @Column('text', { name: 'import_file', nullable: true })
  importFile: string | null;

  @Column('int', { name: 'import_line', nullable: true })
  importLine: number | null;

  @Column('uuid', { name: 'staff_user_id', nullable: true })
  staffUserId: string | null;

  /** Anything else the source told us, e.g. the original source named in an import's evidence column. */
  @Column('jsonb', { default: {} })
  details: Record<string, unknown>;
}
