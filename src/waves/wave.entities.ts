import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import type { Channel } from '../consent/consent.js';
import { CampaignEvent } from '../events/event.entity.js';

/** `needs-approval`: a scheduled wave whose approval no longer held when its time came; it waits for a new one. */
export const WAVE_STATUSES = [
  'draft',
  'scheduled',
  'needs-approval',
  'sending',
  'paused',
  'completed',
  'cancelled',
] as const;
export type WaveStatus = (typeof WAVE_STATUSES)[number];

/** Who a wave is for: segments of a run (narrowed by region, language, attributes), or every consenting contact. */
export interface Audience {
  runId?: string;
  segmentIds?: string[];
  regionIds?: string[];
  languages?: string[];
  /** Self-declared attributes that must match exactly, e.g. { "volunteer": "yes" }. */
  attributes?: Record<string, string | number>;
}

/**
 * The template a wave sends to a segment (or, `segmentId` null, to everyone), as it resolves now: a segment's approved
 * match at its version, or a fixed template at its latest. `handChoice`: the segment waits for a template chosen by
 * hand and is skipped.
 */
export interface ResolvedTemplate {
  segmentId: string | null;
  template: string | null;
  version: number | null;
  handChoice: boolean;
}

@Entity('waves')
export class Wave {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  @Column('text')
  channel: Channel;

  @Column('text')
  purpose: string;

  @Column('jsonb')
  audience: Audience;

  /** `approved`: each segment's approved match; `fixed`: templateKey for everyone. */
  @Column('text', { name: 'template_strategy' })
  templateStrategy: 'approved' | 'fixed';

  @Column('text', { name: 'template_key', nullable: true })
  templateKey: string | null;

  /** When sending starts; empty: at launch. */
  @Column('timestamptz', { name: 'scheduled_at', nullable: true })
  scheduledAt: Date | null;

  @Index()
  @Column('uuid', { name: 'event_id', nullable: true })
  eventId: string | null;

  @ManyToOne(() => CampaignEvent, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'event_id' })
  event?: Relation<CampaignEvent> | null;

  /** For reminders: minutes before the event's start. */
  @Column('int', { name: 'offset_minutes', nullable: true })
  offsetMinutes: number | null;

  @Column('timestamptz', { name: 'cutoff_at', nullable: true })
  cutoffAt: Date | null;

  @Index()
  @Column('text')
  status: WaveStatus;

  @Column('uuid', { name: 'created_by', nullable: true })
  createdBy: string | null;

  /** Staff users who changed it after its creation: like its creator, none of them may approve it. */
  @Column('uuid', { name: 'edited_by', array: true, default: () => "'{}'" })
  editedBy: string[];

  /**
   * Raised by every change to what decides who gets what: its definition, and the template versions it resolves
   * to. An approval is of one revision.
   */
  @Column('int', { default: 1 })
  revision: number;

  /** The templates this revision resolves to (see ResolvedTemplate), to tell when they move. */
  @Column('jsonb', { default: () => "'[]'" })
  resolved: ResolvedTemplate[];

  /** A second pair of eyes, needed above APPROVAL_THRESHOLD; any new revision withdraws it. */
  @Column('uuid', { name: 'approved_by', nullable: true })
  approvedBy: string | null;

  @Column('timestamptz', { name: 'approved_at', nullable: true })
  approvedAt: Date | null;

  /** The revision the approver saw. */
  @Column('int', { name: 'approved_revision', nullable: true })
  approvedRevision: number | null;

  /** The preview's `final` when it was approved: more than APPROVAL_TOLERANCE above it needs a new approval. */
  @Column('int', { name: 'approved_final', nullable: true })
  approvedFinal: number | null;

  /** The recipients the latest preview or launch attempt counted, and of which revision (see AWAITING_APPROVAL_SQL). */
  @Column('int', { name: 'judged_final', nullable: true })
  judgedFinal: number | null;

  @Column('int', { name: 'judged_revision', nullable: true })
  judgedRevision: number | null;

  @Column('timestamptz', { name: 'launched_at', nullable: true })
  launchedAt: Date | null;

  @Column('timestamptz', { name: 'completed_at', nullable: true })
  completedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** Messages granted per channel and second, shared by every worker: the rate limit lives in the database. */
@Entity('rate_windows')
export class RateWindow {
  @PrimaryColumn('text')
  channel: string;

  @PrimaryColumn('bigint')
  second: string;

  @Column('int')
  used: number;
}
