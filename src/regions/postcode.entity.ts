import { Column, Entity, Index, PrimaryColumn, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { Region } from './region.entity.js';

/** Postal code → region, so a contact with only a postal code still lands in a region. */
@Entity('postcodes')
export class Postcode {
  @PrimaryColumn('text')
  postcode: string;

  @Index()
  @Column('uuid', { name: 'region_id' })
  regionId: string;

  @ManyToOne(() => Region, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'region_id' })
  region?: Relation<Region>;
}
