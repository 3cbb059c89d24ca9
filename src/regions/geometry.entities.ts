import {
  Column,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import type { AreaGeometry } from './geometry-file.js';
import type { Topology } from './geometry-display.js';
import { Region } from './region.entity.js';
import { RegionSet } from './region-set.entity.js';

/** A region's shape as imported: a GeoJSON Polygon or MultiPolygon in WGS84, never simplified. */
@Entity('region_geometries')
export class RegionGeometry {
  @PrimaryColumn('uuid', { name: 'region_id' })
  regionId: string;

  @ManyToOne(() => Region, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'region_id' })
  region?: Relation<Region>;

  @Column('jsonb')
  geometry: AreaGeometry;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** The shapes of one set for a map: simplified once when geometry is imported, served as they are. */
@Entity('region_set_geometries')
export class RegionSetGeometry {
  @PrimaryColumn('uuid', { name: 'set_id' })
  setId: string;

  @ManyToOne(() => RegionSet, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'set_id' })
  set?: Relation<RegionSet>;

  /** TopoJSON: one GeometryCollection `regions`, each geometry with the region's id, code and name. */
  @Column('jsonb')
  topology: Topology;

  /** Changes exactly when the document does. */
  @Column('text')
  etag: string;

  /** Whom a map must credit for the shapes, when known. */
  @Column('text', { nullable: true })
  source: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
