import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { PRESETS } from './presets.js';

export class CreateSegmentationDto {
  @ApiPropertyOptional({
    enum: ['regions', 'contacts'],
    default: 'regions',
    description: 'contacts: on numeric attributes they declared (attr_* columns)',
  })
  @IsOptional()
  @IsIn(['regions', 'contacts'])
  target?: 'regions' | 'contacts';

  @ApiPropertyOptional({
    default: 'constituency',
    description: 'Region level to cluster; aggregates never enter',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  level?: string;

  @ApiPropertyOptional({
    example: 'constituency/2025',
    description: 'Region set to cluster (GET /region-sets); the current set of the level by default',
  })
  @IsOptional()
  @Matches(/^[a-z0-9_-]{1,100}(\/[A-Za-z0-9._-]{1,40})?$/, {
    message: 'set must be a set key such as constituency/2025',
  })
  set?: string;

  @ApiPropertyOptional({
    example: '2023-12-31',
    description: 'Use for each feature its latest values on or before this day (the latest by default)',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'asOf must be a day such as 2023-12-31' })
  asOf?: string;

  @ApiPropertyOptional({ type: [String], description: 'Feature keys from GET /features' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  features?: string[];

  @ApiPropertyOptional({
    enum: Object.keys(PRESETS),
    description: 'A named feature set (used when no features are given)',
  })
  @IsOptional()
  @IsIn(Object.keys(PRESETS))
  preset?: string;

  @ApiPropertyOptional({
    type: [String],
    description: 'Features to cluster on log(1 + x) (density is by default)',
  })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  logScaled?: string[];

  @ApiPropertyOptional({ example: '3-10', description: 'k or a range of k; the best silhouette is chosen' })
  @IsOptional()
  @Matches(/^\d{1,3}(-\d{1,3})?$/, { message: 'k must be a number such as 5 or a range such as 3-10' })
  k?: string;

  @ApiPropertyOptional({ default: 42 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2 ** 31 - 1)
  seed?: number;

  @ApiPropertyOptional({ default: 5, minimum: 1, maximum: 50 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(50)
  restarts?: number;
}

export class UpdateSegmentDto {
  @ApiPropertyOptional({ description: "The strategist's name for the segment" })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  notes?: string;
}

export class SegmentDto {
  @ApiProperty() id: string;
  @ApiProperty() index: number;
  @ApiProperty() size: number;
  @ApiProperty({ nullable: true }) inhabitants: number | null;
  @ApiProperty({ description: 'Contacts living in the member regions (counted now)' }) contacts: number;
  @ApiProperty() label: { de: string; en: string };
  @ApiProperty({ nullable: true }) name: string | null;
  @ApiProperty({ nullable: true }) notes: string | null;
  @ApiProperty({ description: '{ key, value (real units), z (standard score) } per feature' })
  centroid: { key: string; value: number; z: number }[];
  @ApiProperty() distinguishing: { key: string; value: number; z: number }[];
  @ApiProperty({ description: 'Member regions: { id, code, name }' }) regions: {
    id: string;
    code: string;
    name: string;
  }[];
}

export class SegmentationRunDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['regions', 'contacts'] }) target: 'regions' | 'contacts';
  @ApiProperty() level: string;
  @ApiProperty({ nullable: true, description: 'The region set clustered, e.g. constituency/2025' })
  regionSet: string | null;
  @ApiProperty({ description: 'Per feature, the day of the values used (null: the file stated none)' })
  featureDates: Record<string, string | null>;
  @ApiProperty({ nullable: true }) preset: string | null;
  @ApiProperty() features: string[];
  @ApiProperty() k: number;
  @ApiProperty() kRange: [number, number];
  @ApiProperty() seed: number;
  @ApiProperty() restarts: number;
  @ApiProperty({ description: 'Inertia and silhouette per k' }) kTable: {
    k: number;
    inertia: number;
    silhouette: number;
  }[];
  @ApiProperty() inertia: number;
  @ApiProperty() silhouette: number;
  @ApiProperty({ description: 'Mean adjusted Rand index against re-runs with other seeds' })
  stability: number;
  @ApiProperty({
    nullable: true,
    description:
      "How far the chosen k's silhouette could move by chance: its standard error over the rows combined with its " +
      'spread over re-seeded runs (null: a run made before this was measured)',
  })
  silhouetteNoise: number | null;
  @ApiProperty({
    nullable: true,
    type: [Number],
    description:
      'The other k whose silhouette lies within silhouetteNoise of the chosen one, ascending: the data cannot tell ' +
      'them apart, so a finer (or coarser) one may serve as well (null: not measured)',
  })
  nearTies: number[] | null;
  @ApiProperty({ description: 'Per feature: mean, sd, median, imputed count, scaling' })
  featureStats: unknown[];
  @ApiProperty() rows: number;
  @ApiProperty() durationMs: number;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ type: [SegmentDto] }) segments: SegmentDto[];
}
