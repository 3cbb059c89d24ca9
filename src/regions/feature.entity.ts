import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** The feature catalogue: one row per numeric region feature, whatever file it came from. */
@Entity('features')
export class Feature {
  /** Stable across editions of the same source file (dates are left out of the key). */
  @PrimaryColumn('text')
  key: string;

  /** The column label exactly as written in the source file. */
  @Column('text')
  label: string;

  @Column('text', { nullable: true })
  unit: string | null;

  /** Import kind the feature came from: regions, results. */
  @Column('text')
  source: string;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
