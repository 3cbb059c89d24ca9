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
import { RegionRefDto } from '../common/api-docs.js';
import { LocalizedTextDto } from '../templates/templates.dto.js';
import { SET_KEY_PATTERN } from '../regions/editions.js';
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
  @Matches(SET_KEY_PATTERN, {
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

export class PresetDto {
  @ApiProperty({ enum: Object.keys(PRESETS), example: 'overview' }) key: string;
  @ApiProperty({ type: [String], description: 'Feature keys' }) features: string[];
  @ApiProperty({ description: 'Used when a run names neither features nor a preset' }) default: boolean;
  @ApiProperty({ description: 'The set has values of every feature the preset names' }) available: boolean;
  @ApiProperty({
    type: [String],
    description: 'The features the set has no values of (empty when available)',
  })
  missing: string[];
}

export class PresetsQuery {
  @ApiPropertyOptional({
    example: 'constituency/2025',
    description: "The set the presets are judged on (default: the current set of the contacts' level)",
  })
  @IsOptional()
  @Matches(SET_KEY_PATTERN, {
    message: 'a region set is named like constituency/2025 (see GET /region-sets)',
  })
  set?: string;
}

export class PresetsDto {
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'The set the presets were judged on; null when there are no regions yet (then none is available)',
  })
  set: string | null;
  @ApiProperty({ type: [PresetDto] }) presets: PresetDto[];
  @ApiProperty({ type: [String], description: 'Clustered on log(1 + x) unless logScaled says otherwise' })
  logScaledByDefault: string[];
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

/** One feature of a segment: the members' mean in real units and as a standard score. */
export class FeatureProfileDto {
  @ApiProperty({ example: 'density_per_km2' }) key: string;
  @ApiProperty({ description: "The members' mean in real units" }) value: number;
  @ApiProperty({
    description: 'How many standard deviations the segment sits above (+) or below (−) the mean',
  })
  z: number;
}

/** The latest change a person made to a segment's name or notes (from the audit log). */
export class SegmentEditDto {
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Their name (null: an API key or a removed account)',
  })
  by: string | null;
  @ApiProperty() at: Date;
}

export class SegmentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: 'integer', description: 'Its number in the run, from 0' }) index: number;
  @ApiProperty({ type: 'integer', description: 'Members (regions or contacts)' }) size: number;
  @ApiProperty({
    type: 'number',
    nullable: true,
    description: 'Inhabitants of the member regions, when known',
  })
  inhabitants: number | null;
  @ApiProperty({ type: 'integer', description: 'Contacts living in the member regions (counted now)' })
  contacts: number;
  @ApiProperty({ type: LocalizedTextDto, description: 'Generated from the distinguishing features' })
  label: LocalizedTextDto;
  @ApiProperty({ type: String, nullable: true, description: "The strategist's own name" }) name:
    string | null;
  @ApiProperty({ type: String, nullable: true }) notes: string | null;
  @ApiProperty({ type: [FeatureProfileDto], description: 'Every feature of the run' })
  centroid: FeatureProfileDto[];
  @ApiProperty({
    type: [FeatureProfileDto],
    description: 'The features that set it apart most, largest |z| first',
  })
  distinguishing: FeatureProfileDto[];
  @ApiProperty({ type: [RegionRefDto], description: 'Member regions (none for a run over contacts)' })
  regions: RegionRefDto[];
  @ApiProperty({ type: SegmentEditDto, nullable: true, description: 'null: never renamed or annotated' })
  edited: SegmentEditDto | null;
}

export class ProfileFeatureDto {
  @ApiProperty({ example: 'density_per_km2' }) key: string;
  @ApiProperty({ description: "The catalogue's label (the key when the catalogue lacks it)" }) label: string;
  @ApiProperty({ type: String, nullable: true }) unit: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true, description: 'The day of the values used' })
  asOf: string | null;
  @ApiProperty({ type: 'number', nullable: true, description: 'Over all members, in real units' })
  mean: number | null;
  @ApiProperty({ type: 'number', nullable: true, description: 'Over all members, in real units' })
  sd: number | null;
}

export class ProfileSegmentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: 'integer' }) index: number;
  @ApiProperty({ type: LocalizedTextDto }) label: LocalizedTextDto;
  @ApiProperty({ type: String, nullable: true }) name: string | null;
  @ApiProperty({ type: 'integer' }) size: number;
}

export class ProfileMatrixDto {
  @ApiProperty({ format: 'uuid' }) runId: string;
  @ApiProperty({ type: [ProfileFeatureDto], description: 'The columns, in the order of the run' })
  features: ProfileFeatureDto[];
  @ApiProperty({ type: [ProfileSegmentDto], description: 'The rows, by index' })
  segments: ProfileSegmentDto[];
  @ApiProperty({
    type: 'array',
    items: { type: 'array', items: { type: 'number', nullable: true } },
    description: "values[segment][feature]: the members' mean in real units",
  })
  values: (number | null)[][];
  @ApiProperty({
    type: 'array',
    items: { type: 'array', items: { type: 'number', nullable: true } },
    description: 'z[segment][feature]: standard scores (how many sd above or below the mean of all members)',
  })
  z: (number | null)[][];
}

export class KRowDto {
  @ApiProperty({ type: 'integer' }) k: number;
  @ApiProperty() inertia: number;
  @ApiProperty() silhouette: number;
}

export class FeatureStatsDto {
  @ApiProperty() key: string;
  @ApiProperty({ type: 'integer', description: 'Rows without a value, given the median' }) imputed: number;
  @ApiProperty() median: number;
  @ApiProperty({ description: 'In real units, before any log transform' }) mean: number;
  @ApiProperty({ description: 'In real units, before any log transform' }) sd: number;
  @ApiProperty({ enum: ['zscore', 'log-zscore'] }) scaling: 'zscore' | 'log-zscore';
}

/** A run as the list shows it. */
export class SegmentationRunSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({
    example: 'constituency',
    description: 'The region level clustered; contact for a run over contacts',
  })
  level: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The region set clustered, e.g. constituency/2025',
  })
  regionSet: string | null;
  @ApiProperty({ type: String, nullable: true }) preset: string | null;
  @ApiProperty({ type: [String] }) features: string[];
  @ApiProperty({ type: 'integer' }) k: number;
  @ApiProperty() silhouette: number;
  @ApiProperty({ description: 'Mean adjusted Rand index against re-runs with other seeds' })
  stability: number;
  @ApiProperty({ type: 'integer', isArray: true, nullable: true, description: 'See the run' })
  nearTies: number[] | null;
  @ApiProperty({ type: 'integer', description: 'Regions or contacts clustered' }) rows: number;
  @ApiProperty() createdAt: Date;
}

export class SegmentationRunDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['regions', 'contacts'] }) target: 'regions' | 'contacts';
  @ApiProperty({
    example: 'constituency',
    description: 'The region level clustered; contact for a run over contacts',
  })
  level: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The region set clustered, e.g. constituency/2025',
  })
  regionSet: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', format: 'date', nullable: true },
    example: { sgb2_per_1000: '2023-12-31' },
    description: 'Per feature, the day of the values used (null: the file stated none)',
  })
  featureDates: Record<string, string | null>;
  @ApiProperty({ type: String, nullable: true }) preset: string | null;
  @ApiProperty({ type: [String] }) features: string[];
  @ApiProperty({ type: 'integer', description: 'The k chosen (best silhouette in the range)' }) k: number;
  @ApiProperty({
    type: 'integer',
    isArray: true,
    minItems: 2,
    maxItems: 2,
    description: 'The k scanned: [low, high]',
  })
  kRange: [number, number];
  @ApiProperty({ type: 'integer' }) seed: number;
  @ApiProperty({ type: 'integer' }) restarts: number;
  @ApiProperty({ type: [KRowDto], description: 'Inertia and silhouette per k' }) kTable: KRowDto[];
  @ApiProperty() inertia: number;
  @ApiProperty() silhouette: number;
  @ApiProperty({ description: 'Mean adjusted Rand index against re-runs with other seeds' })
  stability: number;
  @ApiProperty({
    type: 'number',
    nullable: true,
    description:
      "How far the chosen k's silhouette could move by chance: its standard error over the rows combined with its " +
      'spread over re-seeded runs (null: a run made before this was measured)',
  })
  silhouetteNoise: number | null;
  @ApiProperty({
    nullable: true,
    type: 'integer',
    isArray: true,
    description:
      'The other k whose silhouette lies within silhouetteNoise of the chosen one, ascending: the data cannot tell ' +
      'them apart, so a finer (or coarser) one may serve as well (null: not measured)',
  })
  nearTies: number[] | null;
  @ApiProperty({
    type: [FeatureStatsDto],
    description: 'Per feature: mean, sd, median, imputed count, scaling',
  })
  featureStats: FeatureStatsDto[];
  @ApiProperty({ type: 'integer', description: 'Regions or contacts clustered' }) rows: number;
  @ApiProperty({ type: 'integer' }) durationMs: number;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ type: [SegmentDto] }) segments: SegmentDto[];
}

/** A segment of a run, as a comparison names it. */
export class SegmentRefDto {
  @ApiProperty({ type: 'integer' }) index: number;
  @ApiProperty({ description: 'Its generated English label' }) label: string;
}

export class FlowDto {
  @ApiProperty({ type: SegmentRefDto, description: 'A segment of the first run' }) from: SegmentRefDto;
  @ApiProperty({ type: SegmentRefDto, description: 'A segment of the other run' }) to: SegmentRefDto;
  @ApiProperty({ type: 'integer', description: 'Members in both' }) count: number;
}

export class MovedMemberDto {
  @ApiProperty({ format: 'uuid', description: 'The region, or the contact (named by id only)' }) id: string;
  @ApiPropertyOptional({ description: 'Region runs only' }) code?: string;
  @ApiPropertyOptional({ description: 'Region runs only' }) name?: string;
  @ApiProperty({ type: SegmentRefDto, description: 'Its segment in the first run' }) from: SegmentRefDto;
  @ApiProperty({ type: SegmentRefDto, description: 'Its segment in the other run' }) to: SegmentRefDto;
}

export class SegmentationComparisonDto {
  @ApiProperty({ type: [String], minItems: 2, maxItems: 2, description: 'The two run ids, as asked' })
  runs: string[];
  @ApiProperty({ enum: ['regions', 'contacts'] }) target: 'regions' | 'contacts';
  @ApiProperty({ type: 'integer', description: 'Members both runs cover' }) compared: number;
  @ApiProperty({
    description: 'Adjusted Rand index: 1 the same partition, about 0 no more alike than chance',
  })
  ari: number;
  @ApiProperty({
    type: 'integer',
    description: 'Members not in the segment most of their old segment-mates went to',
  })
  movedCount: number;
  @ApiProperty({
    type: [FlowDto],
    description: 'Every pair of segments that shares members, with how many (a Sankey diagram)',
  })
  flows: FlowDto[];
  @ApiProperty({ type: [MovedMemberDto], description: 'The first 1000 of them' }) moved: MovedMemberDto[];
}

/** One feature's part in a template's score. */
export class ContributionDto {
  @ApiProperty() key: string;
  @ApiProperty({ description: "The segment's mean in real units" }) value: number;
  @ApiProperty({ description: "The segment's standard score" }) z: number;
  @ApiProperty({ description: "The template's weight" }) weight: number;
  @ApiProperty({ description: 'weight × z: this feature’s part of the score' }) contribution: number;
  @ApiProperty({ description: 'contribution / Σ|contributions|' }) share: number;
}

export class TemplateScoreDto {
  @ApiProperty({ description: 'Template key' }) template: string;
  @ApiProperty({ description: 'Σ weight × z' }) score: number;
  @ApiProperty({ type: [ContributionDto], description: 'Largest |contribution| first' })
  reasons: ContributionDto[];
  @ApiProperty({ type: 'integer', description: "The template's current version" }) version: number;
  @ApiProperty({ type: LocalizedTextDto, description: "The template's name" }) name: LocalizedTextDto;
}

/** The decision stored for a segment, as the matches show it. */
export class MatchDecisionViewDto {
  @ApiProperty() templateKey: string;
  @ApiProperty({ type: 'integer', description: 'The version approved: the one waves send to this segment' })
  templateVersion: number;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description:
      "The template's latest version; when newer than the one approved, it is not sent until approved",
  })
  latestVersion: number | null;
  @ApiProperty({ type: Date, nullable: true, description: 'When the latest version was saved' })
  latestSavedAt: Date | null;
  @ApiProperty({ description: 'Chosen by hand rather than the proposal approved' }) overridden: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'The name of the person who decided' })
  decidedBy: string | null;
  @ApiProperty() decidedAt: Date;
  @ApiProperty({ type: String, nullable: true, description: 'Why, in their words' }) comment: string | null;
}

export class SegmentMatchesDto {
  @ApiProperty({ format: 'uuid' }) segmentId: string;
  @ApiProperty({ type: 'integer' }) index: number;
  @ApiProperty({ type: LocalizedTextDto }) label: LocalizedTextDto;
  @ApiProperty({ type: String, nullable: true, description: "The strategist's own name" }) name:
    string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The best template, or null when even it scores below MATCH_MIN_SCORE (no clear match)',
  })
  proposed: string | null;
  @ApiProperty() noClearMatch: boolean;
  @ApiProperty({
    description: 'Waves over approved matches skip the segment until a template is chosen by hand',
  })
  needsHandChoice: boolean;
  @ApiProperty({ type: MatchDecisionViewDto, nullable: true }) decision: MatchDecisionViewDto | null;
  @ApiProperty({ type: [TemplateScoreDto], description: 'Every campaign template, best first' })
  ranked: TemplateScoreDto[];
}

/** The run the matches are of, as a screen names it. */
export class MatchRunDto {
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The region set clustered (null for contact runs)',
  })
  regionSet: string | null;
  @ApiProperty() level: string;
  @ApiProperty({ type: 'integer' }) k: number;
}

/** A feature a reason names, as people read it. */
export class MatchFeatureDto {
  @ApiProperty() key: string;
  @ApiProperty({ description: "The catalogue's label (the key when the catalogue lacks it)" }) label: string;
  @ApiProperty({ type: String, nullable: true }) unit: string | null;
}

export class MatchMatrixDto {
  @ApiProperty({ format: 'uuid' }) runId: string;
  @ApiProperty({ type: MatchRunDto }) run: MatchRunDto;
  @ApiProperty({ type: [MatchFeatureDto], description: 'Label and unit of every feature the reasons name' })
  features: MatchFeatureDto[];
  @ApiProperty({ description: 'MATCH_MIN_SCORE: a best score below it is no clear match' }) minScore: number;
  @ApiProperty({ type: [SegmentMatchesDto] }) segments: SegmentMatchesDto[];
}

/** The stored choice of template for a segment. */
export class MatchDecisionDto {
  @ApiProperty({ format: 'uuid' }) segmentId: string;
  @ApiProperty() templateKey: string;
  @ApiProperty({ type: 'integer' }) templateVersion: number;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The proposal then; null: there was no clear match',
  })
  proposedKey: string | null;
  @ApiProperty({ description: 'Chosen by hand rather than the proposal approved' }) overridden: boolean;
  @ApiProperty({ format: 'uuid' }) decidedBy: string;
  @ApiProperty() decidedAt: Date;
  @ApiProperty({ type: String, nullable: true }) comment: string | null;
}
