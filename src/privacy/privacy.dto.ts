import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsDate,
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
import { CHANNELS, CONSENT_ACTIONS, type Channel, type ConsentAction } from '../consent/consent.js';

const PURPOSE = /^[a-z0-9-]{1,60}$/;

export class RecordConsentDto {
  @ApiProperty({ enum: CHANNELS })
  @IsIn(CHANNELS)
  channel: Channel;

  @ApiProperty({ example: ['campaign-news'] })
  @IsArray()
  @ArrayMinSize(1)
  @Matches(PURPOSE, { each: true, message: 'each purpose must be a lower-case key such as campaign-news' })
  purposes: string[];

  @ApiProperty({ enum: CONSENT_ACTIONS })
  @IsIn(CONSENT_ACTIONS)
  action: ConsentAction;

  @ApiPropertyOptional({ description: 'When the person gave or withdrew it (e.g. the date on a paper form)' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  occurredAt?: Date;

  @ApiPropertyOptional({ description: 'Version of the consent text the person saw' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  textVersion?: string;

  @ApiProperty({ description: 'The evidence: e.g. "paper form, signed at the Leipzig rally, file 2026-031"' })
  @IsString()
  @MaxLength(1000)
  evidence: string;
}

export class SendMessageDto {
  @ApiProperty({ enum: CHANNELS })
  @IsIn(CHANNELS)
  channel: Channel;

  @ApiProperty({ example: 'campaign-news' })
  @Matches(PURPOSE, { message: 'purpose must be a lower-case key such as campaign-news' })
  purpose: string;

  @ApiProperty({ example: 'housing' })
  @IsString()
  @MaxLength(100)
  template: string;
}

export class ConfirmationDto {
  @ApiProperty({ enum: CHANNELS })
  @IsIn(CHANNELS)
  channel: Channel;
}

export class RetentionRuleDto {
  @ApiProperty({ description: 'Erase the contacts of this source this many days after `after`' })
  @IsInt()
  @Min(1)
  @Max(36500)
  days: number;

  @ApiPropertyOptional({ description: 'Start date (e.g. election day); empty: each contact’s creation' })
  @IsOptional()
  @IsISO8601({ strict: true })
  after?: string;
}
