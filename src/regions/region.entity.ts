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

/** Numeric feature values by catalogue key; null where the source had no value. */
export type FeatureValues = Record<string, number | null>;

@Entity('regions')
@Index(['level', 'code'], { unique: true })
export class Region {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The official code as a canonical string: Wahlkreis 1 is "1", never "001". */
  @Column('text')
  code: string;

  @Column('text')
  name: string;

  /** e.g. nation, state, constituency, municipality, postcode. */
  @Column('text')
  level: string;

  @Index()
  @Column('uuid', { name: 'parent_id', nullable: true })
  parentId: string | null;

  @ManyToOne(() => Region, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'parent_id' })
  parent?: Relation<Region> | null;

  @Column('jsonb', { default: {} })
  features: FeatureValues;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
