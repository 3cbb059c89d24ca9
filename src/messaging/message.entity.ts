import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import type { Channel } from '../consent/consent.js';
import { Wave } from '../waves/wave.entities.js';

export const MESSAGE_KINDS = ['confirmation', 'campaign', 'reply'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export const MESSAGE_STATUSES = [
  'queued',
  'sending',
  'sent',
  'delivered',
  'failed',
  'bounced',
  'skipped',
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/**
 * The ledger: every message the product sends or decides not to send, with its provider's answer. A wave has one
 * row per contact (unique), so a contact can never get a wave twice.
 */
@Entity('messages')
@Index(['contactId'])
@Index(['waveId', 'contactId'], { unique: true, where: 'wave_id IS NOT NULL' })
/** Due rows per channel, in the order they go out. */
@Index(['channel', 'dueAt', 'id'], { where: "status = 'queued'" })
/** What is left of a wave, and the rows in flight. */
@Index(['status', 'waveId'], { where: "status IN ('queued', 'sending')" })
export class Message {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'wave_id', nullable: true })
  waveId: string | null;

  @ManyToOne(() => Wave, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'wave_id' })
  wave?: Relation<Wave> | null;

  @Column('uuid', { name: 'segment_id', nullable: true })
  segmentId: string | null;

  @Column('text')
  kind: MessageKind;

  /**
   * No foreign key: checking one per row would cost a launch of a million rows a third of its time. Erasure clears
   * it; a row whose contact is gone is skipped as `erased` when its turn comes.
   */
  @Column('uuid', { name: 'contact_id', nullable: true })
  contactId: string | null;

  @Column('text')
  channel: Channel;

  /** The consent purpose the message is sent under; a confirmation lists the purposes it asks about. */
  @Column('text')
  purpose: string;

  /** Where it went: removed on erasure. */
  @Column('text', { nullable: true })
  address: string | null;

  @Column('text', { name: 'template_key', nullable: true })
  templateKey: string | null;

  @Column('int', { name: 'template_version', nullable: true })
  templateVersion: number | null;

  @Column('text', { nullable: true })
  language: string | null;

  @Column('text')
  status: MessageStatus;

  @Index({ unique: true, where: 'provider_id IS NOT NULL' })
  @Column('text', { name: 'provider_id', nullable: true })
  providerId: string | null;

  @Column('int', { default: 0 })
  attempts: number;

  /** Not before this moment: the wave's start, a retry's backoff, the end of quiet hours. */
  @Column('timestamptz', { name: 'due_at', default: () => 'now()' })
  dueAt: Date;

  /** A sending row belongs to its worker until then; after that it is failed as ambiguous. */
  @Column('timestamptz', { name: 'lease_until', nullable: true })
  leaseUntil: Date | null;

  @Column('text', { name: 'claimed_by', nullable: true })
  claimedBy: string | null;

  @Column('text', { name: 'error_code', nullable: true })
  errorCode: string | null;

  @Column('text', { nullable: true })
  error: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'sent_at', nullable: true })
  sentAt: Date | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
