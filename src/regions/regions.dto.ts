import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../common/pagination.js';
import { SET_KEY_PATTERN } from './editions.js';

const SET_KEY = SET_KEY_PATTERN;
const SET_MESSAGE = 'a region set is named like constituency/2025 (see GET /region-sets)';
const DAY_MESSAGE = 'a day is written like 2023-12-31';

export class RegionQuery extends PageQuery {
  @ApiPropertyOptional({
    example: 'constituency/2025',
    description: 'Only this set (default: the current sets)',
  })
  @IsOptional()
  @Matches(SET_KEY, { message: SET_MESSAGE })
  set?: string;

  @ApiPropertyOptional({
    example: 'constituency',
    description: "Only this level (its current set, or `set`'s)",
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  level?: string;

  @ApiPropertyOptional({ description: 'Only children of this region (id)' })
  @IsOptional()
  @IsUUID()
  parentId?: string;

  @ApiPropertyOptional({
    description: 'Only children of the region with this code (with level, e.g. state:911)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  parent?: string;
}

export class ParentRegionDto {
  @ApiProperty() id: string;
  @ApiProperty() code: string;
  @ApiProperty() level: string;
  @ApiProperty() name: string;
}

export class RegionDto {
  @ApiProperty() id: string;
  @ApiProperty({ description: 'The region set, e.g. constituency/2025' }) set: string;
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  @ApiProperty() level: string;
  @ApiProperty({ type: ParentRegionDto, nullable: true })
  parent: ParentRegionDto | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number', nullable: true },
    description: 'Feature key → its latest value (null where the source had none)',
  })
  features: Record<string, number | null>;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', nullable: true },
    description: 'Feature key → the day of that value (null: the file stated none)',
  })
  featureDates: Record<string, string | null>;
}

export class FeatureDateDto {
  @ApiProperty({ type: String, nullable: true, example: '2023-12-31' }) asOf: string | null;
  @ApiProperty({ description: 'Sets with values of this day' }) sets: string[];
  @ApiProperty({ description: 'Regions with a value of this day' }) regions: number;
}

export class FeatureDto {
  @ApiProperty() key: string;
  @ApiProperty({ description: 'The label without its dates' }) label: string;
  @ApiProperty({ type: String, nullable: true }) unit: string | null;
  @ApiProperty() source: string;
  @ApiProperty({ description: 'Regions that have a value (any day)' }) regions: number;
  @ApiProperty({ type: [FeatureDateDto], description: 'The days values exist for, newest first' })
  dates: FeatureDateDto[];
}

export class RegionSetDto {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'constituency/2025' }) key: string;
  @ApiProperty() level: string;
  @ApiProperty({ description: 'Empty for a set named after its level alone' }) edition: string;
  @ApiProperty() regions: number;
  @ApiProperty({ description: 'Contacts and postal codes of the level are assigned to this set' })
  current: boolean;
  @ApiProperty({ description: 'Current by a person’s choice, not as the newest set' }) chosen: boolean;
  @ApiProperty({ description: 'Postal codes mapped to regions of this set' }) postcodes: number;
  @ApiProperty({
    description: 'Regions of this set with a shape (0: no geometry imported, the map has none to draw)',
  })
  shapes: number;
  @ApiProperty({
    type: 'array',
    items: { type: 'string', nullable: true },
    description: 'The days of its feature values, newest first',
  })
  dates: (string | null)[];
  @ApiProperty() createdAt: Date;
}

export class ChooseCurrentSetDto {
  @ApiProperty({ example: 'constituency/2025' })
  @Matches(SET_KEY, { message: SET_MESSAGE })
  set: string;

  @ApiPropertyOptional({
    default: false,
    description:
      'Make the set current even if contacts are left without a region (their postal codes are not in its postcode table and their district changed); without it such a change is refused with 409 and the counts',
  })
  @IsOptional()
  @IsBoolean()
  allowUnassigned?: boolean;
}

export class CompareEditionsQuery {
  @ApiProperty({ example: 'constituency/2021' })
  @Matches(SET_KEY, { message: SET_MESSAGE })
  from: string;

  @ApiProperty({ example: 'constituency/2025' })
  @Matches(SET_KEY, { message: SET_MESSAGE })
  to: string;

  @ApiProperty({ example: 'unemployment_pct', description: 'Feature key (GET /features)' })
  @Matches(/^[a-z0-9_]{1,100}$/, { message: 'feature must be a feature key such as unemployment_pct' })
  feature: string;

  @ApiPropertyOptional({ description: "Day of the `from` values (default: the set's latest)" })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: DAY_MESSAGE })
  fromDate?: string;

  @ApiPropertyOptional({ description: "Day of the `to` values (default: the set's latest)" })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: DAY_MESSAGE })
  toDate?: string;
}

export class GeometryQuery {
  @ApiPropertyOptional({
    example: 'constituency/2025',
    description: 'The region set (default: the current set of the level contacts are assigned to)',
  })
  @IsOptional()
  @Matches(SET_KEY, { message: SET_MESSAGE })
  set?: string;
}

export class RegionShapePropertiesDto {
  @ApiProperty({ format: 'uuid', description: 'The region’s id (GET /regions/:id)' }) id: string;
  @ApiProperty({ example: '74', description: 'The region’s code, as segments and feature values name it' })
  code: string;
  @ApiProperty({ example: 'Berlin-Mitte' }) name: string;
}

export class RegionShapeDto {
  @ApiProperty({ enum: ['Polygon', 'MultiPolygon'] }) type: 'Polygon' | 'MultiPolygon';
  @ApiProperty({
    description: 'Rings as indexes into the topology’s arcs (a negative index −i−1 is arc i reversed)',
    type: 'array',
    items: { type: 'array', items: {} },
  })
  arcs: number[][] | number[][][];
  @ApiProperty({ type: RegionShapePropertiesDto }) properties: RegionShapePropertiesDto;
}

export class RegionShapesDto {
  @ApiProperty({ enum: ['GeometryCollection'] }) type: 'GeometryCollection';
  @ApiProperty({ type: [RegionShapeDto], description: 'One geometry per region that has a shape' })
  geometries: RegionShapeDto[];
}

export class TopologyObjectsDto {
  @ApiProperty({ type: RegionShapesDto }) regions: RegionShapesDto;
}

export class TopologyTransformDto {
  @ApiProperty({ type: [Number], example: [0.0000924, 0.0000773] }) scale: number[];
  @ApiProperty({ type: [Number], example: [5.866, 47.27] }) translate: number[];
}

export class TopologyDto {
  @ApiProperty({ enum: ['Topology'] }) type: 'Topology';
  @ApiProperty({ type: [Number], description: 'West, south, east, north (degrees)' }) bbox: number[];
  @ApiProperty({
    type: TopologyTransformDto,
    description: 'Arcs are quantized: position = translate + scale × q',
  })
  transform: TopologyTransformDto;
  @ApiProperty({ type: TopologyObjectsDto }) objects: TopologyObjectsDto;
  @ApiProperty({
    description: 'Delta-encoded integer positions of each arc; a border of two regions is one arc',
    type: 'array',
    items: { type: 'array', items: { type: 'array', items: { type: 'integer' } } },
  })
  arcs: number[][][];
  @ApiPropertyOptional({ description: 'Whom a map must credit for the shapes, when known' }) source?: string;
}

export class SetDayDto {
  @ApiProperty({ example: 'constituency/2025' }) set: string;
  @ApiProperty({ type: String, nullable: true, example: '2023-12-31' }) date: string | null;
}

export class ComparedValueDto {
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: Number, nullable: true }) from: number | null;
  @ApiProperty({ type: Number, nullable: true }) to: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'to − from' }) difference: number | null;
}

export class EditionShapeDto {
  @ApiProperty() name: string;
  @ApiProperty({ type: Number, nullable: true, description: 'km²' }) area: number | null;
}

export class ChangedRegionDto {
  @ApiProperty() code: string;
  @ApiProperty({
    type: EditionShapeDto,
    nullable: true,
    description: 'Null where the region is not in that edition',
  })
  before: EditionShapeDto | null;
  @ApiProperty({ type: EditionShapeDto, nullable: true }) after: EditionShapeDto | null;
  @ApiProperty({ example: 'renamed from "Pankow" to "Berlin-Pankow"' }) why: string;
}

export class CompareEditionsDto {
  @ApiProperty() feature: string;
  @ApiProperty({ type: SetDayDto }) from: SetDayDto;
  @ApiProperty({ type: SetDayDto }) to: SetDayDto;
  @ApiProperty() unchangedCount: number;
  @ApiProperty() changedCount: number;
  @ApiProperty({ type: [ComparedValueDto], description: 'The regions whose boundaries did not change' })
  unchanged: ComparedValueDto[];
  @ApiProperty({ type: [ChangedRegionDto], description: 'The others, with the reason they are not compared' })
  changed: ChangedRegionDto[];
}

export class MovedContactsDto {
  @ApiProperty({ description: 'Placed by their postal code in the new set' }) byPostcode: number;
  @ApiProperty({ description: 'Kept in a district whose boundaries did not change' }) sameDistrict: number;
  @ApiProperty({ description: 'Had a region and are left without one' }) unassigned: number;
  @ApiProperty({ description: 'Whose region changes (the unassigned among them)' }) moved: number;
}

export class CurrentSetChangeDto {
  @ApiProperty() level: string;
  @ApiProperty({ type: String, nullable: true }) from: string | null;
  @ApiProperty() to: string;
  @ApiProperty({ type: MovedContactsDto }) contacts: MovedContactsDto;
}

export class CurrentSetDto {
  @ApiProperty() level: string;
  @ApiProperty({ example: 'constituency/2025' }) current: string;
  @ApiProperty({ type: CurrentSetChangeDto, nullable: true, description: 'Null when it already was current' })
  change: CurrentSetChangeDto | null;
}
