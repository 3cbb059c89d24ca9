import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';

export class TemplateBodyDto {
  @ApiProperty({ example: { de: 'Wohnen und Miete', en: 'Housing and rent' } })
  @IsObject()
  name: { de: string; en: string };

  @ApiProperty({
    example: { density_per_km2: 0.35, living_space_per_inhabitant_m2: -0.25 },
    description: 'Feature key → weight',
  })
  @IsObject()
  weights: Record<string, number>;

  @ApiProperty({ description: 'Why these weights, in words a strategist can check' })
  @IsString()
  @MinLength(10)
  @MaxLength(5000)
  reasoning: string;

  @ApiProperty({
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
