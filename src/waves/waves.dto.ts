import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDate,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { CHANNELS, type Channel } from '../consent/consent.js';
import { MESSAGE_STATUSES, type MessageStatus } from '../messaging/message.entity.js';
import { PageQuery } from '../common/pagination.js';

const PURPOSE = /^[a-z0-9-]{1,60}$/;

export class AudienceDto {
  @ApiPropertyOptional({ description: 'Segmentation run whose segments are chosen' })
  @IsOptional()
  @IsUUID()
  runId?: string;

  @ApiPropertyOptional({ description: 'Segments of that run; empty: every consenting contact' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  segmentIds?: string[];

  @ApiPropertyOptional({ description: 'Only contacts in these regions (or their sub-regions)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  regionIds?: string[];

  @ApiPropertyOptional({ example: ['de', 'en'] })
  @IsOptional()
  @IsArray()
  @Matches(/^[a-z]{2}$/, { each: true, message: 'each language must be a two-letter code such as de' })
  languages?: string[];

  @ApiPropertyOptional({
    description: 'Self-declared attributes that must match exactly',
    example: { volunteer: 'yes' },
  })
  @IsOptional()
  @IsObject()
  attributes?: Record<string, string | number>;
}

export class CreateWaveDto {
  @ApiProperty({ example: 'Mietendeckel – Aufruf Oktober' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiProperty({ enum: CHANNELS })
  @IsIn(CHANNELS)
  channel: Channel;

  @ApiProperty({ example: 'campaign-news' })
  @Matches(PURPOSE, { message: 'purpose must be a lower-case key such as campaign-news' })
  purpose: string;

  @ApiProperty({ type: AudienceDto })
  @ValidateNested()
  @Type(() => AudienceDto)
  audience: AudienceDto;

  @ApiProperty({ enum: ['approved', 'fixed'], description: 'each segment’s approved match, or one template' })
  @IsIn(['approved', 'fixed'])
  templateStrategy: 'approved' | 'fixed';

  @ApiPropertyOptional({ description: 'The template for `fixed`' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  templateKey?: string;

  @ApiPropertyOptional({ description: 'Start sending at this time; empty: at launch' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  scheduledAt?: Date;
}

export class MessagesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: MESSAGE_STATUSES })
  @IsOptional()
  @IsIn(MESSAGE_STATUSES)
  status?: MessageStatus;
}

export class ReminderDto {
  @ApiProperty({ description: 'Minutes before the event', example: 4320 })
  @IsInt()
  @Min(0)
  @Max(60 * 24 * 60)
  offsetMinutes: number;

  @ApiProperty({ enum: CHANNELS })
  @IsIn(CHANNELS)
  channel: Channel;

  @ApiPropertyOptional({ default: 'event-reminders' })
  @IsOptional()
  @Matches(PURPOSE, { message: 'purpose must be a lower-case key such as event-reminders' })
  purpose?: string;

  @ApiProperty({ example: 'transit' })
  @IsString()
  @MaxLength(100)
  templateKey: string;
}

export class CreateEventDto {
  @ApiProperty({ example: 'Kundgebung am Marktplatz' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiProperty()
  @Type(() => Date)
  @IsDate()
  startsAt: Date;

  @ApiPropertyOptional({ example: 'Marktplatz, Leipzig' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  place?: string;

  @ApiPropertyOptional({ description: 'Regions it concerns (with sub-regions); empty: everyone' })
  @IsOptional()
  @IsArray()
  @IsUUID('all', { each: true })
  regionIds?: string[];

  @ApiPropertyOptional({ description: 'No reminder after this moment; default: the start' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  cutoffAt?: Date;

  @ApiPropertyOptional({ type: [ReminderDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => ReminderDto)
  reminders?: ReminderDto[];
}
