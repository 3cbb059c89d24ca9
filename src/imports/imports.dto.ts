import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { ImportReport } from '../csv/import-context.js';
import type { ImportJob } from './import-job.entity.js';
import { IMPORT_KINDS, type ImportKind } from './import-job.entity.js';
import { EDITION_PATTERN } from '../regions/editions.js';
import { CODE_PROPERTIES } from '../regions/geometry-file.js';

export class CreateImportDto {
  @ApiProperty({ enum: IMPORT_KINDS })
  @IsIn(IMPORT_KINDS)
  kind: ImportKind;

  @ApiProperty({
    type: 'string',
    format: 'binary',
    description: 'The CSV file (a GeoJSON FeatureCollection for geometry)',
  })
  file?: unknown;

  @ApiPropertyOptional({
    description: 'JSON object: our field → the column name in the file, e.g. {"email":"Mail-Adresse"}',
  })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  mapping?: string;

  @ApiPropertyOptional({ description: 'Consent purpose the consent columns grant', default: 'campaign-news' })
  @IsOptional()
  @Matches(/^[a-z0-9-]{1,60}$/, { message: 'purpose must be a lower-case key such as campaign-news' })
  purpose?: string;

  @ApiPropertyOptional({ description: 'Source of the contacts (e.g. petition-2026), for retention rules' })
  @IsOptional()
  @Matches(/^[\w.-]{1,100}$/, { message: 'source must be a short name such as petition-2026' })
  source?: string;

  @ApiPropertyOptional({
    example: '2025',
    description:
      'Edition of the boundaries (regions, results, postcodes, geometry): read from an official file when not given; a generic regions file without one goes into a set named after its level; postcodes and geometry go into the current set of the level when not given',
  })
  @IsOptional()
  @Matches(EDITION_PATTERN, { message: 'edition must be a short name such as 2025' })
  edition?: string;

  @ApiPropertyOptional({
    example: 'WKR_NR',
    description: `Geometry: the feature property that holds the region code (found among ${CODE_PROPERTIES.join(', ')} when not given)`,
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  codeProperty?: string;

  @ApiPropertyOptional({
    enum: ['utf-8', 'windows-1252', 'utf-16le'],
    description: 'Detected when not given',
  })
  @IsOptional()
  @IsIn(['utf-8', 'windows-1252', 'utf-16le'])
  encoding?: 'utf-8' | 'windows-1252' | 'utf-16le';
}

export class RowErrorDto {
  @ApiProperty() line: number;
  @ApiPropertyOptional() column?: string;
  @ApiProperty({ description: 'In words; never quotes the value' }) reason: string;
  @ApiPropertyOptional({
    description: 'The value refused (contacts imports: only for roles that may read contacts)',
  })
  value?: string;
}

export class ImportJobDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: IMPORT_KINDS }) kind: ImportKind;
  @ApiProperty() fileName: string;
  @ApiProperty({ enum: ['queued', 'running', 'completed', 'rejected', 'failed'] }) status: string;
  @ApiProperty() read: number;
  @ApiProperty() inserted: number;
  @ApiProperty() updated: number;
  @ApiProperty() unchanged: number;
  @ApiProperty({ description: 'Empty lines passed over' }) skipped: number;
  @ApiProperty() rejected: number;
  @ApiProperty({ description: 'Rows kept with a value dropped or not placed in a region' }) warnings: number;
  @ApiProperty({ type: [RowErrorDto], description: 'The first 1000 warnings (line, column, reason)' })
  warningList: RowErrorDto[];
  @ApiProperty({ type: [RowErrorDto], description: 'The first 1000 rejected rows' }) errors: RowErrorDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Why the whole file was rejected' })
  reason: string | null;
  @ApiProperty({
    description:
      'Region imports: { sets, editions: [{ set, comparedWith, unchanged, changedCount, changed }], current: [{ level, from, to, contacts }] }',
  })
  report: ImportReport;
  @ApiProperty({ type: Number, nullable: true }) durationMs: number | null;
  @ApiProperty({ description: 'Milliseconds per phase' }) timings: Record<string, number>;
  @ApiProperty() createdAt: Date;
}

/** What the API and the CLI show of a job; a contacts file's values only to those who may see personal data. */
export function toDto(job: ImportJob, personalData = true): ImportJobDto {
  const hide = !personalData && job.kind === 'contacts';
  return {
    id: job.id,
    kind: job.kind,
    fileName: job.fileName,
    status: job.status,
    read: job.read,
    inserted: job.inserted,
    updated: job.updated,
    unchanged: job.unchanged,
    skipped: job.skipped,
    rejected: job.rejected,
    errors: hide ? withoutValues(job.errors) : job.errors,
    warnings: job.warnings,
    warningList: hide ? withoutValues(job.warningList) : job.warningList,
    reason: job.reason,
    report: job.report,
    durationMs: job.startedAt && job.finishedAt ? job.finishedAt.getTime() - job.startedAt.getTime() : null,
    timings: job.timings,
    createdAt: job.createdAt,
  };
}

const withoutValues = (rows: RowErrorDto[]) => rows.map(({ value: _value, ...rest }) => rest);
