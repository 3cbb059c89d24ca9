import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  type Relation,
} from 'typeorm';

/**
 * The regions of one level in one edition of their boundaries, e.g. constituency/2025. Inside a set a region is its
 * code; across sets two regions are different places even with the same code.
 */
@Entity('region_sets')
@Unique(['id', 'level'])
@Index(['level', 'edition'], { unique: true })
export class RegionSet {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** `level/edition`, or the level alone when the set has no edition. */
  @Index({ unique: true })
  @Column('text')
  key: string;

  @Column('text')
  level: string;

  /** Usually the election year whose boundaries the set has (2025); empty for a set named after its level. */
  @Column('text', { default: '' })
  edition: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** The set contacts and postal codes of a level are assigned to. Chosen by a person, or the newest set. */
@Entity('region_levels')
export class RegionLevel {
  @Column('text', { primary: true })
  level: string;

  @Column('uuid', { name: 'current_set_id' })
  currentSetId: string;

  @ManyToOne(() => RegionSet, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'current_set_id', referencedColumnName: 'id' },
    { name: 'level', referencedColumnName: 'level' },
  ])
  currentSet?: Relation<RegionSet>;

  /** Null while the newest set is current by default; set when a person chose the current set. */
  @Column('uuid', { name: 'chosen_by', nullable: true })
  chosenBy: string | null;

  @Column('timestamptz', { name: 'chosen_at', nullable: true })
  chosenAt: Date | null;
}
