import { Column, Entity, Index, PrimaryColumn, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { Region } from './region.entity.js';
import { RegionSet } from './region-set.entity.js';

/** Postal code → region of one set, so a contact with only a postal code still lands in a region. */
@Entity('postcodes')
export class Postcode {
  @PrimaryColumn('uuid', { name: 'set_id' })
  setId: string;

  @PrimaryColumn('text')
  postcode: string;

  @ManyToOne(() => RegionSet, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'set_id' })
  set?: Relation<RegionSet>;

  @Index()
  @Column('uuid', { name: 'region_id' })
  regionId: string;

  @ManyToOne(() => Region, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'region_id' })
  region?: Relation<Region>;
}
