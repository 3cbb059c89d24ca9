import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { TEMPLATE_CONTEXTS, type TemplateContext } from './template.entities.js';
import { MIN_REASONING } from './template-check.js';

/** A text in each language the product speaks. */
export class LocalizedTextDto {
  @ApiProperty({ example: 'Wohnen und Miete' }) de: string;
  @ApiProperty({ example: 'Housing and rent' }) en: string;
}

/** One language's texts of a template, with placeholders such as {{first_name}}. */
export class TemplateContentDto {
  @ApiProperty() subject: string;
  @ApiProperty() html: string;
  @ApiProperty() text: string;
  @ApiProperty() sms: string;
}

export class TemplateContentsDto {
  @ApiProperty({ type: TemplateContentDto }) de: TemplateContentDto;
  @ApiProperty({ type: TemplateContentDto }) en: TemplateContentDto;
}

/** Feature key (or declared contact attribute) → weight. */
const WEIGHTS = {
  type: 'object',
  additionalProperties: { type: 'number' },
  example: { density_per_km2: 0.35, living_space_per_inhabitant_m2: -0.25 },
} as const;

const CONTEXT = {
  enum: TEMPLATE_CONTEXTS,
  description:
    'Which values its messages may use: campaign (first_name, region_name, opt_out_link) or event (also event_date ' +
    'and event_place: a reminder, for waves tied to an event, never proposed as a match)',
} as const;

export class TemplateBodyDto {
  @ApiProperty({ type: LocalizedTextDto })
  @IsObject()
  name: { de: string; en: string };

  @ApiProperty({ ...WEIGHTS, description: 'Feature key → weight' })
  @IsObject()
  weights: Record<string, number>;

  @ApiProperty({
    description: `Why these weights, in words a strategist can check (at least ${MIN_REASONING} characters)`,
  })
  @IsString()
  @MaxLength(5000)
  reasoning: string;

  @ApiPropertyOptional({
    ...CONTEXT,
    description: `${CONTEXT.description}; campaign when created, kept when edited`,
  })
  @IsOptional()
  @IsIn(TEMPLATE_CONTEXTS)
  context?: TemplateContext;

  @ApiProperty({
    type: TemplateContentsDto,
    description:
      'Per language (de, en): subject, html, text, sms. Placeholders: {{first_name}}, {{region_name}}, {{event_date}}, {{event_place}}, {{opt_out_link}}',
  })
  @IsObject()
  content: Record<string, { subject: string; html: string; text: string; sms: string }>;
}

export class CreateTemplateDto extends TemplateBodyDto {
  @ApiProperty({ example: 'housing' })
  @Matches(/^[a-z][a-z0-9-]{1,40}$/, { message: 'key must be a lower-case word such as housing' })
  key: string;
}

export class UpdateTemplateDto extends TemplateBodyDto {}

/** A template as the editor holds it: every part optional, checked and rendered rather than refused. */
export class TemplateDraftDto {
  @ApiPropertyOptional({
    example: 'housing',
    description: 'The template edited: its context is used if none is given',
  })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9-]{1,40}$/, { message: 'key must be a lower-case word such as housing' })
  key?: string;

  @ApiPropertyOptional(CONTEXT)
  @IsOptional()
  @IsIn(TEMPLATE_CONTEXTS)
  context?: TemplateContext;

  @ApiPropertyOptional({ type: LocalizedTextDto })
  @IsOptional()
  @IsObject()
  name?: { de?: string; en?: string };

  @ApiPropertyOptional({ ...WEIGHTS, description: 'Feature key → weight' })
  @IsOptional()
  @IsObject()
  weights?: Record<string, number>;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  reasoning?: string;

  @ApiProperty({ type: TemplateContentsDto })
  @IsObject()
  content: Record<string, Partial<Record<'subject' | 'html' | 'text' | 'sms', string>>>;
}

export class PreviewTemplateDto extends TemplateDraftDto {}

export class DecideMatchDto {
  @ApiProperty({
    description: 'The template to use for this segment: the proposal (approve) or another (override)',
  })
  @Matches(/^[a-z][a-z0-9-]{1,40}$/, { message: 'templateKey must be a template key such as housing' })
  templateKey: string;

  @ApiPropertyOptional({ description: 'Why, when overriding' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  comment?: string;
}

/** How many SMS parts a text needs. */
export class SmsSizeDto {
  @ApiProperty({ enum: ['GSM-7', 'UCS-2'] }) encoding: 'GSM-7' | 'UCS-2';
  @ApiProperty({ type: 'integer', description: 'Septets for GSM-7, UTF-16 code units for UCS-2' })
  units: number;
  @ApiProperty({ type: 'integer' }) segments: number;
}

export class TemplateSmsSizesDto {
  @ApiProperty({ type: SmsSizeDto }) de: SmsSizeDto;
  @ApiProperty({ type: SmsSizeDto }) en: SmsSizeDto;
}

/** An issue template as it is now. */
export class TemplateDto {
  @ApiProperty({ example: 'housing' }) key: string;
  @ApiProperty(CONTEXT) context: TemplateContext;
  @ApiProperty({ type: 'integer', description: 'Raised by every edit; what used an old version keeps it' })
  version: number;
  @ApiProperty({ type: LocalizedTextDto }) name: LocalizedTextDto;
  @ApiProperty({ ...WEIGHTS, description: 'Feature key → weight' }) weights: Record<string, number>;
  @ApiProperty() reasoning: string;
  @ApiProperty({ type: TemplateContentsDto }) content: TemplateContentsDto;
  @ApiProperty({ type: TemplateSmsSizesDto, description: 'The size of the SMS text per language' })
  sms: TemplateSmsSizesDto;
  @ApiProperty() updatedAt: Date;
}

/** What a template was in one version. */
export class TemplateSnapshotDto {
  @ApiPropertyOptional({ ...CONTEXT, description: 'Absent in versions written before contexts existed' })
  context?: TemplateContext;
  @ApiProperty({ type: LocalizedTextDto }) name: LocalizedTextDto;
  @ApiProperty(WEIGHTS) weights: Record<string, number>;
  @ApiProperty() reasoning: string;
  @ApiProperty({ type: TemplateContentsDto }) content: TemplateContentsDto;
}

export class TemplateVersionDto {
  @ApiProperty({ format: 'uuid', description: "The template's internal id" }) templateId: string;
  @ApiProperty({ type: 'integer' }) version: number;
  @ApiProperty({ type: TemplateSnapshotDto }) snapshot: TemplateSnapshotDto;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Staff user; null: a default template',
  })
  createdBy: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Their name; null: a default template' })
  createdByName: string | null;
  @ApiProperty() createdAt: Date;
}

export class RenderedTemplateDto {
  @ApiProperty() subject: string;
  @ApiProperty({ description: 'Values escaped; shown in a sandboxed frame' }) html: string;
  @ApiProperty() text: string;
  @ApiProperty() sms: string;
  @ApiProperty({ type: SmsSizeDto }) smsSize: SmsSizeDto;
}

export class RenderedTemplatesDto {
  @ApiProperty({ type: RenderedTemplateDto }) de: RenderedTemplateDto;
  @ApiProperty({ type: RenderedTemplateDto }) en: RenderedTemplateDto;
}

export class TemplatePreviewDto {
  @ApiProperty(CONTEXT) context: TemplateContext;
  @ApiProperty({
    type: [String],
    description: 'What saving it would refuse, all at once (empty: it can be saved)',
  })
  problems: string[];
  @ApiProperty({
    type: RenderedTemplatesDto,
    description: 'For a made-up person in a real region (and, in context event, a made-up event next week)',
  })
  rendered: RenderedTemplatesDto;
}
