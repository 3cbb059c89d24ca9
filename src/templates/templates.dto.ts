import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';

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

export class TemplateBodyDto {
  @ApiProperty({ type: LocalizedTextDto })
  @IsObject()
  name: { de: string; en: string };

  @ApiProperty({ ...WEIGHTS, description: 'Feature key → weight' })
  @IsObject()
  weights: Record<string, number>;

  @ApiProperty({ description: 'Why these weights, in words a strategist can check' })
  @IsString()
  @MinLength(10)
  @MaxLength(5000)
  reasoning: string;

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
  @ApiProperty() createdAt: Date;
}
