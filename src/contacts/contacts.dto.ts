import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../common/pagination.js';
import { CHANNELS, CONSENT_STATUSES, type Channel, type ConsentStatus } from '../consent/consent.js';

export class ContactQuery extends PageQuery {
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
}

export class ContactDto {
  @ApiProperty() id: string;
  @ApiProperty({ nullable: true }) externalId: string | null;
  @ApiProperty({ nullable: true }) firstName: string | null;
  @ApiProperty({ nullable: true }) lastName: string | null;
  @ApiProperty({ nullable: true }) email: string | null;
  @ApiProperty({ nullable: true }) phone: string | null;
  @ApiProperty({ nullable: true }) postalCode: string | null;
  @ApiProperty({ nullable: true }) region: { id: string; code: string; name: string } | null;
  @ApiProperty() language: string;
  @ApiProperty() timeZone: string;
  @ApiProperty({ description: 'channel → purpose → state' })
  consent: Record<string, Record<string, string>>;
}
