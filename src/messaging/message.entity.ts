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
import type { Wave } from '../waves/wave.entities.js';
// By name, not by class: the entity of a higher room is only a type here (see .dependency-cruiser.cjs).

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
@Index('IDX_messages_release', ['releaseId'], { where: 'release_id IS NOT NULL' })
export class Message {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'wave_id', nullable: true })
  waveId: string | null;

  @ManyToOne('Wave', { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'wave_id' })
  wave?: Relation<Wave> | null;

  @Column('uuid', { name: 'segment_id', nullable: true })
  segmentId: string | null;

  /** The staff decision that released this confirmation request; null for a person's own request (a sign-up). */
  @Column('uuid', { name: 'release_id', nullable: true })
  releaseId: string | null;

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

  /** For callbacks; not unique, since a misbehaving provider may answer one id twice. */
  @Index({ where: 'provider_id IS NOT NULL' })
  @Column('text', { name: 'provider_id', nullable: true })
  providerId: string | null;

  @Column('int', { default: 0 })
  attempts: number;

  /** Not before this moment: the wave's start, a retry's backoff, the end of quiet hours. */
  @Column('timestamptz', { name: 'due_at', default: () => 'now()' })
  dueAt: Date;

  /**
   * A sending row belongs to its worker until then; after that it goes back to the queue, or is failed as ambiguous
   * if its hand-over had begun.
   */
  @Column('timestamptz', { name: 'lease_until', nullable: true })
  leaseUntil: Date | null;

  @Column('text', { name: 'claimed_by', nullable: true })
  claimedBy: string | null;

  /**
   * When the hand-over of its latest attempt to the provider began (written right before the provider is called):
   * empty while a worker has only claimed it, so nothing can have left.
   */
  @Column('timestamptz', { name: 'handed_over_at', nullable: true })
  handedOverAt: Date | null;

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

/**
 * Every delivery report a provider sent us, as it came (append-only): what the message's own status is made of.
 * `shared` flags a report whose provider id belongs to several messages (only ever a misbehaving provider).
 */
@Entity('message_events')
@Index(['messageId'])
@Index('IDX_message_events_anomaly_wave', ['waveId'], { where: 'anomaly IS NOT NULL' })
/** A wave's complaints (see `isComplaintSql`). */
@Index('IDX_message_events_complaint_wave', ['waveId'], {
  where: "lower(reported) IN ('complaint', 'complained', 'spamreport', 'spamcomplaint', 'abuse')",
})
export class MessageEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  /** Empty when no message has the provider id. */
  @Column('uuid', { name: 'message_id', nullable: true })
  messageId: string | null;

  @Column('text')
  channel: Channel;

  @Column('text', { name: 'provider_id' })
  providerId: string;

  /** The provider's own word for the state (e.g. Twilio's `undelivered`). */
  @Column('text', { name: 'reported' })
  reported: string;

  /** The ledger's status it means, when it means one. */
  @Column('text', { nullable: true })
  status: MessageStatus | null;

  @Column('text', { name: 'provider_code', nullable: true })
  providerCode: string | null;

  @Column('boolean', { default: false })
  shared: boolean;

  /** Whether it moved the message's status (a late, earlier state does not). */
  @Column('boolean')
  applied: boolean;

  /** Why the report was tied to no single message (`ReportAnomaly`); such a report changed nothing. */
  @Column('text', { nullable: true })
  anomaly: string | null;

  /** The wave of its message or, for an anomaly, the one wave all its candidates belong to: where it is counted. */
  @Column('uuid', { name: 'wave_id', nullable: true })
  waveId: string | null;

  @CreateDateColumn({ name: 'received_at', type: 'timestamptz' })
  receivedAt: Date;
}

/**
 * How far along a message is. A report moves a message only forward: a late `sent` never undoes `delivered`; a
 * failure after `sent` is applied (the provider could not deliver), and `delivered` lifts even a failed row (an
 * ambiguous one that did go out).
 */
export function statusRankSql(status: string): string {
  return `CASE ${status} WHEN 'queued' THEN 0 WHEN 'sending' THEN 1 WHEN 'sent' THEN 2
    WHEN 'failed' THEN 3 WHEN 'bounced' THEN 3 WHEN 'delivered' THEN 4 ELSE -1 END`;
}
