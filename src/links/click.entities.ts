import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
// By name, not by class: the entities of higher rooms are only types here (see .dependency-cruiser.cjs).
import type { Message } from '../messaging/message.entity.js';
import type { Wave } from '../waves/wave.entities.js';

/** A wave's group as a tracked link names it: a short number instead of four ids, so that the link fits an SMS. */
@Entity('click_targets')
/** Unique per wave × segment × template version × language, a missing segment included (NULLS NOT DISTINCT). */
@Index('UQ_click_targets_group', { synchronize: false })
export class ClickTarget {
  @PrimaryGeneratedColumn('increment')
  id: number;

  @Column('uuid', { name: 'wave_id' })
  waveId: string;

  @ManyToOne('Wave', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'wave_id' })
  wave?: Relation<Wave>;

  @Column('uuid', { name: 'segment_id', nullable: true })
  segmentId: string | null;

  @Column('text', { name: 'template_key' })
  templateKey: string;

  @Column('int', { name: 'template_version' })
  templateVersion: number;

  @Column('text')
  language: string;

  /** After it, the group's tracked links answer "gone" (LINK_TTL_DAYS after the first message rendered). */
  @Column('timestamptz', { name: 'expires_at' })
  expiresAt: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** The group of a click, written beside it so that results read one table. */
abstract class ClickGroup {
  @Column('uuid', { name: 'wave_id' })
  waveId: string;

  @Column('uuid', { name: 'segment_id', nullable: true })
  segmentId: string | null;

  @Column('text', { name: 'template_key' })
  templateKey: string;

  @Column('int', { name: 'template_version' })
  templateVersion: number;

  @Column('text')
  language: string;
}

/**
 * One row per click, appended in the transaction that counts it. `message_id` only for a person who gave the
 * `analytics` consent; otherwise nothing here leads to anyone.
 */
@Entity('link_clicks')
@Index(['waveId', 'clickedAt'])
export class LinkClick extends ClickGroup {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @Column('int', { name: 'target_id' })
  targetId: number;

  @ManyToOne(() => ClickTarget, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'target_id' })
  target?: Relation<ClickTarget>;

  @Column('smallint', { name: 'link_index' })
  linkIndex: number;

  @Column('bigint')
  nonce: string;

  @Column('uuid', { name: 'message_id', nullable: true })
  messageId: string | null;

  @ManyToOne('Message', { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'message_id' })
  message?: Relation<Message> | null;

  @CreateDateColumn({ name: 'clicked_at', type: 'timestamptz' })
  clickedAt: Date;
}

/** The nonces seen per link of a group: a nonce new to it is a new clicker. */
@Entity('link_click_nonces')
export class LinkClickNonce {
  @PrimaryColumn('int', { name: 'target_id' })
  targetId: number;

  @ManyToOne(() => ClickTarget, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'target_id' })
  target?: Relation<ClickTarget>;

  @PrimaryColumn('smallint', { name: 'link_index' })
  linkIndex: number;

  @PrimaryColumn('bigint')
  nonce: string;
}

/** Clicks and distinct clickers per link of a group, kept in the transaction of each click. */
@Entity('link_click_counts')
@Index(['waveId'])
export class LinkClickCount extends ClickGroup {
  @PrimaryColumn('int', { name: 'target_id' })
  targetId: number;

  @ManyToOne(() => ClickTarget, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'target_id' })
  target?: Relation<ClickTarget>;

  @PrimaryColumn('smallint', { name: 'link_index' })
  linkIndex: number;

  @Column('int')
  clicks: number;

  @Column('int', { name: 'unique_clicks' })
  uniqueClicks: number;
}
