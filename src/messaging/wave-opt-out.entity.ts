import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import type { Channel } from '../consent/consent.js';
import type { Wave } from '../waves/wave.entities.js';
import type { Message } from './message.entity.js';

export const OPT_OUT_VIAS = ['link', 'one-click', 'stop'] as const;
/** How the person opted out: the unsubscribe page's button, a mail client's one-click POST, or an SMS STOP. */
export type OptOutVia = (typeof OPT_OUT_VIAS)[number];

/**
 * One opt-out attributed to a wave (append-only): what a wave's results count. It names the message's group (segment,
 * template, version, language), never the contact; the message leads to the contact only while the ledger keeps it,
 * and erasure cuts that path (`message_id` is cleared).
 */
@Entity('wave_opt_outs')
@Index('IDX_wave_opt_outs_wave', ['waveId'])
/** A person who unsubscribes twice through the same message counts once. */
@Index('IDX_wave_opt_outs_message', ['messageId'], { unique: true })
export class WaveOptOut {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'PK_wave_opt_outs',
  })
  id: string;

  @Column('uuid', { name: 'wave_id' })
  waveId: string;

  @ManyToOne('Wave', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'wave_id', foreignKeyConstraintName: 'FK_wave_opt_outs_wave' })
  wave?: Relation<Wave>;

  /** Empty once its contact was erased. */
  @Column('uuid', { name: 'message_id', nullable: true })
  messageId: string | null;

  @ManyToOne('Message', { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'message_id', foreignKeyConstraintName: 'FK_wave_opt_outs_message' })
  message?: Relation<Message> | null;

  @Column('uuid', { name: 'segment_id', nullable: true })
  segmentId: string | null;

  @Column('text', { name: 'template_key', nullable: true })
  templateKey: string | null;

  @Column('int', { name: 'template_version', nullable: true })
  templateVersion: number | null;

  @Column('text', { nullable: true })
  language: string | null;

  @Column('text')
  channel: Channel;

  @Column('text')
  via: OptOutVia;

  /** To the minute: enough for results over time, too coarse to match the opt-out with one consent event. */
  @Column('timestamptz', { name: 'occurred_at' })
  occurredAt: Date;
}
