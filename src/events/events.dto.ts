import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDate,
  IsIn,
  IsInt,
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
import { PURPOSE, WaveDto } from '../waves/waves.dto.js';

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

/** Something to remind people of: a rally, a canvass, election day. */
export class EventDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() startsAt: Date;
  @ApiProperty({ type: String, nullable: true }) place: string | null;
  @ApiProperty({ type: [String], description: 'Regions it concerns (with sub-regions); empty: everyone' })
  regionIds: string[];
  @ApiProperty({ description: 'No reminder after this moment' }) cutoffAt: Date;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Staff user' }) createdBy:
    string | null;
  @ApiProperty() createdAt: Date;
}

export class EventDetailDto extends EventDto {
  @ApiProperty({ type: [WaveDto], description: 'Its reminder waves, by start' }) reminders: WaveDto[];
}
