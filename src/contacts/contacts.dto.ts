import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { RegionRefDto } from '../common/api-docs.js';
import { PageQuery } from '../common/pagination.js';
import {
  CHANNELS,
  CONSENT_ACTIONS,
  CONSENT_STATUSES,
  type Channel,
  type ConsentAction,
  type ConsentStatus,
} from '../consent/consent.js';

export class ContactQuery extends PageQuery {
  @ApiPropertyOptional({
    example: 'meyer 24937',
    description:
      'Search names, email, phone and postal code, case-insensitive: every word must appear somewhere, in any ' +
      'order; digits also match a phone number written with spaces or a leading 0 (`0151 2345`). At least one ' +
      'word of 3 characters',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(/\S{3}/, { message: 'q needs a word of at least 3 characters' })
  q?: string;

  @ApiPropertyOptional({ description: 'Region id' })
  @IsOptional()
  @IsUUID()
  regionId?: string;

  @ApiPropertyOptional({ description: 'Region code at the contact region level, e.g. 74' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  region?: string;

  @ApiPropertyOptional({
    description: 'Contacts in this segment: through their region (region runs) or directly (contact runs)',
  })
  @IsOptional()
  @IsUUID()
  segmentId?: string;

  @ApiPropertyOptional({ example: 'de' })
  @IsOptional()
  @Matches(/^[a-z]{2}$/, { message: 'language must be a two-letter code such as de' })
  language?: string;

  @ApiPropertyOptional({ enum: CHANNELS, default: 'email' })
  @IsOptional()
  @IsIn(CHANNELS)
  channel: Channel = 'email';

  @ApiPropertyOptional({ enum: CONSENT_STATUSES, description: 'Consent state on `channel` for `purpose`' })
  @IsOptional()
  @IsIn(CONSENT_STATUSES)
  consent?: ConsentStatus;

  @ApiPropertyOptional({ default: 'campaign-news' })
  @IsOptional()
  @Matches(/^[a-z0-9-]{1,60}$/, { message: 'purpose must be a lower-case key such as campaign-news' })
  purpose?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Contacts whose consent this import recorded' })
  @IsOptional()
  @IsUUID()
  importJobId?: string;

  @ApiPropertyOptional({
    enum: ['unasked'],
    description:
      '`unasked`: consent requested on `channel` and not yet asked to confirm (a confirmation request may go)',
  })
  @IsOptional()
  @IsIn(['unasked'])
  confirmation?: 'unasked';
}

/** A contact's consent per purpose on one channel: purpose → its current state (purposes never asked are absent). */
const CONSENT_BY_PURPOSE: ApiPropertyOptions = {
  type: 'object',
  additionalProperties: { type: 'string', enum: [...CONSENT_ACTIONS] },
  example: { 'campaign-news': 'confirmed' },
};

export class ContactConsentDto {
  @ApiPropertyOptional(CONSENT_BY_PURPOSE) email?: Record<string, ConsentAction>;
  @ApiPropertyOptional(CONSENT_BY_PURPOSE) sms?: Record<string, ConsentAction>;
}

export class ContactDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, nullable: true }) externalId: string | null;
  @ApiProperty({ type: String, nullable: true }) firstName: string | null;
  @ApiProperty({ type: String, nullable: true }) lastName: string | null;
  @ApiProperty({ type: String, nullable: true }) email: string | null;
  @ApiProperty({ type: String, nullable: true }) phone: string | null;
  @ApiProperty({ type: String, nullable: true }) postalCode: string | null;
  @ApiProperty({ type: RegionRefDto, nullable: true, description: 'At the contact region level' })
  region: RegionRefDto | null;
  @ApiProperty({ example: 'de' }) language: string;
  @ApiProperty({ example: 'Europe/Berlin' }) timeZone: string;
  @ApiProperty({ type: ContactConsentDto, description: 'channel → purpose → state' })
  consent: ContactConsentDto;
}
