import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Feature } from './feature.entity.js';
import { Region } from './region.entity.js';

/**
 * One value of one feature for one region on its reference day. Two editions of a statistic are two rows, side by
 * side, never one over the other; a value whose file states no day has none. The index that keeps one value per
 * region, feature and day (treating "no day" as a day) is made by the migration: it is on an expression.
 */
@Entity('feature_values')
@Index('feature_values_one_per_day', { synchronize: false })
@Index(['featureKey', 'asOf'])
export class FeatureValue {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column('uuid', { name: 'region_id' })
  regionId: string;

  @ManyToOne(() => Region, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'region_id' })
  region?: Relation<Region>;

  @Column('text', { name: 'feature_key' })
  featureKey: string;

  @ManyToOne(() => Feature, { onDelete: 'CASCADE', onUpdate: 'CASCADE' })
  @JoinColumn({ name: 'feature_key' })
  feature?: Relation<Feature>;

  /** ISO day the value describes, e.g. 2023-12-31. */
  @Column('date', { name: 'as_of', nullable: true })
  asOf: string | null;

  @Column('double precision', { nullable: true })
  value: number | null;
}
