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

import { RegionSet } from './region-set.entity.js';

/** A place in one region set. Its feature values are in feature_values, each with its reference day. */
@Entity('regions')
@Index(['setId', 'code'], { unique: true })
export class Region {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'set_id' })
  setId: string;

  /** The set's level and the region's own level are one: the foreign key covers both. */
  @ManyToOne(() => RegionSet, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'set_id', referencedColumnName: 'id' },
    { name: 'level', referencedColumnName: 'level' },
  ])
  set?: Relation<RegionSet>;

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

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
