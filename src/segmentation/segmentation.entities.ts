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
import { Contact } from '../contacts/contact.entity.js';
import { Region } from '../regions/region.entity.js';
import { RegionSet } from '../regions/region-set.entity.js';
import type { KRow } from './choose-k.js';
import type { FeatureStats } from './features.js';
import type { FeatureProfile } from './profiles.js';

/** One k-means run over regions of one level. Runs are kept side by side; nothing is overwritten. */
@Entity('segmentation_runs')
export class SegmentationRun {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** regions (of `level`), or contacts on the attributes they declared themselves. */
  @Column('text', { default: 'regions' })
  target: 'regions' | 'contacts';

  @Column('text')
  level: string;

  /** The region set clustered (null for contact runs): a run keeps its set when another becomes current. */
  @Column('uuid', { name: 'region_set_id', nullable: true })
  regionSetId: string | null;

  @ManyToOne(() => RegionSet, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'region_set_id' })
  regionSet?: Relation<RegionSet> | null;

  /** Per feature key, the reference day of the values used (null for values that state none). */
  @Column('jsonb', { name: 'feature_dates', default: {} })
  featureDates: Record<string, string | null>;

  @Column('text', { nullable: true })
  preset: string | null;

  @Column('jsonb', { name: 'feature_keys' })
  featureKeys: string[];

  /** Per feature: mean, sd, median, how many values were imputed, the scaling used. */
  @Column('jsonb', { name: 'feature_stats' })
  featureStats: FeatureStats[];

  @Column('int', { name: 'k_min' })
  kMin: number;

  @Column('int', { name: 'k_max' })
  kMax: number;

  /** The chosen k (best silhouette in the range). */
  @Column('int')
  k: number;

  @Column('int')
  seed: number;

  @Column('int')
  restarts: number;

  @Column('jsonb', { name: 'k_table' })
  kTable: KRow[];

  @Column('double precision')
  inertia: number;

  @Column('double precision')
  silhouette: number;

  /** Mean adjusted Rand index against re-runs with other seeds. */
  @Column('double precision')
  stability: number;

  /**
   * How far the chosen k's silhouette could move by chance (`silhouetteNoise` in choose-k.ts); null for runs made
   * before it was measured.
   */
  @Column('double precision', { name: 'silhouette_noise', nullable: true })
  silhouetteNoise: number | null;

  /** The other k whose silhouette lies within that noise of the chosen one, ascending; null as above. */
  @Column('jsonb', { name: 'near_ties', nullable: true })
  nearTies: number[] | null;

  @Column('int')
  rows: number;

  @Column('int', { name: 'duration_ms' })
  durationMs: number;

  @Column('uuid', { name: 'created_by', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

@Entity('segments')
@Index(['runId', 'index'], { unique: true })
export class Segment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'run_id' })
  runId: string;

  @ManyToOne(() => SegmentationRun, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id' })
  run?: Relation<SegmentationRun>;

  @Column('int')
  index: number;

  @Column('int')
  size: number;

  /** Sum of the members' population (from population_k), when the regions have it. */
  @Column('double precision', { nullable: true })
  inhabitants: number | null;

  @Column('jsonb')
  centroid: FeatureProfile[];

  @Column('jsonb')
  distinguishing: FeatureProfile[];

  @Column('text', { name: 'label_de' })
  labelDe: string;

  @Column('text', { name: 'label_en' })
  labelEn: string;

  /** A strategist's own name for the segment; the generated labels stay beside it. */
  @Column('text', { nullable: true })
  name: string | null;

  @Column('text', { nullable: true })
  notes: string | null;
}

@Entity('segment_members')
export class SegmentMember {
  @PrimaryColumn('uuid', { name: 'run_id' })
  runId: string;

  @PrimaryColumn('uuid', { name: 'region_id' })
  regionId: string;

  @ManyToOne(() => Region, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'region_id' })
  region?: Relation<Region>;

  @Index()
  @Column('uuid', { name: 'segment_id' })
  segmentId: string;

  @ManyToOne(() => Segment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'segment_id' })
  segment?: Relation<Segment>;
}

/** Membership of contacts in a run over contacts (region runs reach contacts through their region). */
@Entity('segment_contact_members')
export class SegmentContactMember {
  @PrimaryColumn('uuid', { name: 'run_id' })
  runId: string;

  @PrimaryColumn('uuid', { name: 'contact_id' })
  contactId: string;

  @ManyToOne(() => Contact, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'contact_id' })
  contact?: Relation<Contact>;

  @Index()
  @Column('uuid', { name: 'segment_id' })
  segmentId: string;

  @ManyToOne(() => Segment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'segment_id' })
  segment?: Relation<Segment>;
}

/**
 * The strategist's choice of template for a segment: the proposal approved (`overridden` false), or a template
 * chosen by hand (`overridden` true): an override, or any choice where there was no clear match to approve.
 */
@Entity('segment_matches')
export class SegmentMatch {
  @PrimaryColumn('uuid', { name: 'segment_id' })
  segmentId: string;

  @ManyToOne(() => Segment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'segment_id' })
  segment?: Relation<Segment>;

  @Column('text', { name: 'template_key' })
  templateKey: string;

  @Column('int', { name: 'template_version' })
  templateVersion: number;

  /** The proposal at the time of the decision: the best-scoring template, null when there was no clear match. */
  @Column('text', { name: 'proposed_key', nullable: true })
  proposedKey: string | null;

  @Column('boolean')
  overridden: boolean;

  @Column('uuid', { name: 'decided_by' })
  decidedBy: string;

  /** Why, in the strategist's words (also kept in the audit log). */
  @Column('text', { nullable: true })
  comment: string | null;

  @Column('timestamptz', { name: 'decided_at' })
  decidedAt: Date;
}
