import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { StaffRefDto } from '../common/api-docs.js';
import { CHANNELS, type Channel } from '../consent/consent.js';
import type { ImportReport } from '../csv/import-context.js';
import type { ColumnMapping } from '../csv/mapping.js';
import type { ImportJob } from './import-job.entity.js';
import { IMPORT_KINDS, type ImportKind } from './import-job.entity.js';
import { PREVIEW_ROWS } from './import-preview.js';
import { MAPPABLE_KINDS, type MappableKind } from './mapping-keys.js';
import { EDITION_PATTERN } from '../regions/editions.js';
import { CODE_PROPERTIES } from '../regions/geometry-file.js';
import { ChangedRegionDto, CurrentSetChangeDto } from '../regions/regions.dto.js';

/** A mapping's value: a column name, or under `ignore` a list of them. */
const MAPPING_VALUE = { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] };

/** A saved mapping's name: it is part of a URL. */
export const MAPPING_NAME = /^[\w.-]{1,100}$/;

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
    description:
      'JSON object: our field → the column name in the file, and under "ignore" the columns to leave unread, e.g. {"email":"Mail-Adresse","ignore":["Notiz"]}',
  })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  mapping?: string;

  @ApiPropertyOptional({
    example: 'civicrm-export',
    description: 'The name of a saved mapping (GET /import-mappings) for this kind, instead of `mapping`',
  })
  @IsOptional()
  @Matches(MAPPING_NAME, { message: 'mappingName must be a short name such as civicrm-export' })
  mappingName?: string;

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
    enum: ['true', 'false'],
    description:
      'Regions and geometry: make the sets the file is read into the current ones of their levels, re-assigning contacts (without it an import makes a set current only where its level has none yet)',
  })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'makeCurrent must be true or false' })
  makeCurrent?: 'true' | 'false';

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'With makeCurrent: contacts may be left without a region (else the import is refused)',
  })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'allowUnassigned must be true or false' })
  allowUnassigned?: 'true' | 'false';

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

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    default: 'false',
    description:
      'Contacts: send the double opt-in requests the file leaves waiting as soon as it is imported. Without it, ' +
      'nothing is sent: the people wait, "requested, not yet asked", until staff ask them (POST /confirmations/releases)',
  })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'sendConfirmations must be true or false' })
  sendConfirmations?: 'true' | 'false';
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

/** A contacts import's double opt-in requests. */
export class ImportConfirmationsDto {
  @ApiProperty({ type: 'integer', description: 'People the import left waiting to be asked by email' })
  email: number;
  @ApiProperty({ type: 'integer', description: 'By SMS' }) sms: number;
  @ApiProperty({ type: 'integer', description: 'Requests sent because the upload asked for it' })
  sent: number;
}

export class EditionChangesDto {
  @ApiProperty({ example: 'constituency/2025' }) set: string;
  @ApiProperty({ example: 'constituency/2021' }) comparedWith: string;
  @ApiProperty({ description: 'Regions that kept their boundaries (code, name, area within 1 %)' })
  unchanged: number;
  @ApiProperty() changedCount: number;
  @ApiProperty({ type: [ChangedRegionDto], description: 'The first 50 changed regions, with the reason' })
  changed: ChangedRegionDto[];
}

export class IgnoredColumnDto {
  @ApiProperty({ example: 'SMS-Erinnerung' }) column: string;
  @ApiProperty({ example: 'no mapping for it' }) reason: string;
  @ApiPropertyOptional({
    description: 'Its name reads like consent or an opt-out: nothing in it was recorded',
  })
  consentLike?: boolean;
}

export class ImportReportDto {
  @ApiPropertyOptional({ type: [String], description: 'Region imports: the sets the file was read into' })
  sets?: string[];
  @ApiPropertyOptional({ type: [EditionChangesDto], description: 'How a new edition compares with another' })
  editions?: EditionChangesDto[];
  @ApiPropertyOptional({
    type: [CurrentSetChangeDto],
    description: 'A level whose current set changed, and where its contacts went',
  })
  current?: CurrentSetChangeDto[];
  @ApiPropertyOptional({
    type: [IgnoredColumnDto],
    description: 'Every column of the file that was not read, and why (table imports)',
  })
  ignoredColumns?: IgnoredColumnDto[];
  @ApiPropertyOptional({
    type: [Number],
    description: 'The empty lines passed over, by number (the first 1000)',
  })
  skippedLines?: number[];
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
    type: ImportReportDto,
    description:
      'What the import did beyond rows: region sets written, edition changes, a change of current set; the columns it did not read and the empty lines it passed over',
  })
  report: ImportReport;
  @ApiProperty({
    type: ImportConfirmationsDto,
    nullable: true,
    description: 'Contacts imports, once completed: the double opt-in requests waiting and sent',
  })
  confirmations: ImportConfirmationsDto | null;
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
    confirmations: job.confirmations ?? null,
    durationMs: job.startedAt && job.finishedAt ? job.finishedAt.getTime() - job.startedAt.getTime() : null,
    timings: job.timings,
    createdAt: job.createdAt,
  };
}

const withoutValues = (rows: RowErrorDto[]) => rows.map(({ value: _value, ...rest }) => rest);

/** A contact row as the import takes it (what it writes, before matching it to stored contacts and regions). */
export class ContactRowDto {
  @ApiProperty({ type: String, nullable: true }) externalId: string | null;
  @ApiProperty({ type: String, nullable: true }) firstName: string | null;
  @ApiProperty({ type: String, nullable: true }) lastName: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Trimmed and lower-cased' }) email: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'E.164' }) phone: string | null;
  @ApiProperty({ description: 'The phone is a landline: kept, never sent an SMS' }) landline: boolean;
  @ApiProperty({ type: String, nullable: true }) postalCode: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Without leading zeros' }) regionCode:
    string | null;
  @ApiProperty({ type: String, nullable: true }) language: string | null;
  @ApiProperty({ type: String, nullable: true }) timeZone: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }] },
    description: 'The attr_* columns',
  })
  attributes: Record<string, string | number>;
  @ApiProperty({
    type: Boolean,
    nullable: true,
    description:
      'true: consent asked for; false: withdrawn (an opt-out column said yes, or consent said no); null: not stated',
  })
  emailConsent: boolean | null;
  @ApiProperty({ type: Boolean, nullable: true, description: 'As emailConsent' }) smsConsent: boolean | null;
  @ApiProperty({ type: Date, nullable: true }) consentAt: Date | null;
  @ApiProperty({ type: Date, nullable: true }) emailConfirmedAt: Date | null;
  @ApiProperty({ type: Date, nullable: true }) smsConfirmedAt: Date | null;
  @ApiProperty({ type: String, nullable: true }) consentSource: string | null;
  @ApiProperty({ type: String, nullable: true }) consentIp: string | null;
  @ApiProperty({ type: String, nullable: true }) consentUserAgent: string | null;
  @ApiProperty({ type: String, nullable: true }) consentTextVersion: string | null;
}

export class PreviewRowDto {
  @ApiProperty({ type: 'integer', description: 'The line of the file the record starts on' }) line: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'The cells by column name (a nameless or repeated column by its position)',
  })
  cells: Record<string, string>;
  @ApiProperty({ type: [RowErrorDto], description: 'Why the import would reject the row; empty if kept' })
  errors: RowErrorDto[];
  @ApiProperty({ type: [RowErrorDto], description: 'What the import would drop from the row it keeps' })
  warnings: RowErrorDto[];
  @ApiPropertyOptional({
    type: ContactRowDto,
    nullable: true,
    description: 'Contacts: the row as the import takes it; null when rejected',
  })
  contact?: ContactRowDto | null;
}

/** A column about consent in a contacts file, with what the import reads it as. */
export class ConsentColumnDto {
  @ApiProperty({ example: 'Do Not Email' }) column: string;
  @ApiProperty({ example: 'email_opt_out', description: 'The mapping key it is read as' }) field: string;
  @ApiProperty({ enum: CHANNELS, nullable: true, description: 'null: evidence for either channel' })
  channel: Channel | null;
  @ApiProperty({
    enum: ['consent', 'opt-out', 'evidence'],
    description:
      'consent: yes asks for it; opt-out: inverted, yes withdraws; evidence: what the events record',
  })
  meaning: 'consent' | 'opt-out' | 'evidence';
  @ApiProperty({ description: 'What its values do, in words' }) says: string;
}

export class AttributeColumnDto {
  @ApiProperty({ example: 'attr_rent_worry' }) column: string;
  @ApiProperty({ example: 'rent_worry' }) key: string;
}

export class PreviewConfirmationsDto {
  @ApiProperty({ type: 'integer' }) email: number;
  @ApiProperty({ type: 'integer' }) sms: number;
}

export class ImportPreviewDto {
  @ApiProperty({ enum: IMPORT_KINDS }) kind: ImportKind;
  @ApiProperty() fileName: string;
  @ApiProperty({ enum: ['utf-8', 'windows-1252', 'utf-16le'], description: 'As detected, or as given' })
  encoding: string;
  @ApiProperty({ enum: [',', ';', '\t'] }) delimiter: string;
  @ApiProperty({ type: [String], description: 'The header row, as the file has it' }) header: string[];
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { email: 'E-Mail', email_opt_out: 'Do Not Email' },
    description:
      'Our field → the file’s column: the mapping given, or the columns the header’s names stand for (empty for the official layouts, read as published)',
  })
  mapping: Record<string, string>;
  @ApiProperty({ type: String, nullable: true, description: 'The saved mapping used, if one was named' })
  mappingName: string | null;
  @ApiProperty({ type: [PreviewRowDto], description: `The first ${PREVIEW_ROWS} records after the header` })
  rows: PreviewRowDto[];
  @ApiProperty({ description: 'The file has more records than these' }) more: boolean;
  @ApiPropertyOptional({ description: 'Contacts: the consent purpose the consent columns grant' })
  purpose?: string;
  @ApiPropertyOptional({ type: [ConsentColumnDto], description: 'Contacts: the columns about consent' })
  consentColumns?: ConsentColumnDto[];
  @ApiPropertyOptional({
    type: [AttributeColumnDto],
    description: 'Contacts: self-declared attributes (attr_*)',
  })
  attributeColumns?: AttributeColumnDto[];
  @ApiPropertyOptional({
    type: [String],
    description: 'Contacts: the columns not read at all (data minimisation)',
  })
  ignoredColumns?: string[];
  @ApiPropertyOptional({
    type: PreviewConfirmationsDto,
    description:
      'Contacts: of the rows previewed, how many would wait for a double opt-in request (people already confirmed ' +
      'in the database are counted by the import itself)',
  })
  confirmations?: PreviewConfirmationsDto;
}

export class PutImportMappingDto {
  @ApiProperty({
    enum: MAPPABLE_KINDS,
    description: 'Official Strukturdaten, results and geometry take no mapping',
  })
  @IsIn(MAPPABLE_KINDS)
  kind: MappableKind;

  @ApiProperty({
    type: 'object',
    additionalProperties: MAPPING_VALUE,
    example: { email: 'Mail-Adresse', email_opt_out: 'Do Not Email', ignore: ['Notiz'] },
    description:
      'Our field → the column name in the files, checked against the kind’s keys; "ignore": the columns to leave unread',
  })
  @IsObject()
  mapping: ColumnMapping;
}

export class ImportMappingDto {
  @ApiProperty({ example: 'civicrm-export' }) name: string;
  @ApiProperty({ enum: MAPPABLE_KINDS }) kind: MappableKind;
  @ApiProperty({ type: 'object', additionalProperties: MAPPING_VALUE }) mapping: ColumnMapping;
  @ApiProperty({ type: StaffRefDto, nullable: true, description: 'null when made from the command line' })
  createdBy: StaffRefDto | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
}
