import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../common/pagination.js';

const SET_KEY = /^[a-z0-9_-]{1,100}(\/[A-Za-z0-9._-]{1,40})?$/;
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

export class RegionDto {
  @ApiProperty() id: string;
  @ApiProperty({ description: 'The region set, e.g. constituency/2025' }) set: string;
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  @ApiProperty() level: string;
  @ApiPropertyOptional({ nullable: true, description: '{ id, code, level, name } of the parent' })
  parent: { id: string; code: string; level: string; name: string } | null;
  @ApiProperty({ description: 'Feature key → its latest value (null where the source had none)' })
  features: Record<string, number | null>;
  @ApiProperty({ description: 'Feature key → the day of that value (null: the file stated none)' })
  featureDates: Record<string, string | null>;
}

export class FeatureDateDto {
  @ApiProperty({ nullable: true, example: '2023-12-31' }) asOf: string | null;
  @ApiProperty({ description: 'Sets with values of this day' }) sets: string[];
  @ApiProperty({ description: 'Regions with a value of this day' }) regions: number;
}

export class FeatureDto {
  @ApiProperty() key: string;
  @ApiProperty({ description: 'The label without its dates' }) label: string;
  @ApiProperty({ nullable: true }) unit: string | null;
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
  @ApiProperty({ description: 'The days of its feature values, newest first' }) dates: (string | null)[];
  @ApiProperty() createdAt: Date;
}

export class ChooseCurrentSetDto {
  @ApiProperty({ example: 'constituency/2025' })
  @Matches(SET_KEY, { message: SET_MESSAGE })
  set: string;
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
