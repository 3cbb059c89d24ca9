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
import { Contact } from '../contacts/contact.entity.js';

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

/** The ledger: every message the product sends or decides not to send, with its provider's answer. */
@Entity('messages')
@Index(['contactId', 'channel', 'kind', 'createdAt'])
export class Message {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  kind: MessageKind;

  @Index()
  @Column('uuid', { name: 'contact_id', nullable: true })
  contactId: string | null;

  @ManyToOne(() => Contact, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'contact_id' })
  contact?: Relation<Contact> | null;

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
