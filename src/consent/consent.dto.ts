import { ApiProperty } from '@nestjs/swagger';
import {
  CHANNELS,
  CONSENT_ACTIONS,
  CONSENT_SOURCES,
  CONSENT_STATUSES,
  type Channel,
  type ConsentAction,
  type ConsentSource,
  type ConsentStatus,
} from './consent.js';

/** The current consent on one channel for one purpose (every configured purpose is listed, `none` if never asked). */
export class ConsentStateDto {
  @ApiProperty({ enum: CHANNELS }) channel: Channel;
  @ApiProperty({ example: 'campaign-news' }) purpose: string;
  @ApiProperty({ enum: CONSENT_STATUSES }) status: ConsentStatus;
}

/** One consent event with its evidence: what we show a regulator or a court. */
export class ConsentEventDto {
  @ApiProperty({ example: '42', description: 'In the order recorded' }) id: string;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'null once the contact is erased',
  })
  contactId: string | null;
  @ApiProperty({ enum: CHANNELS }) channel: Channel;
  @ApiProperty() purpose: string;
  @ApiProperty({ enum: CONSENT_ACTIONS }) action: ConsentAction;
  @ApiProperty({ enum: CONSENT_SOURCES }) source: ConsentSource;
  @ApiProperty({ description: 'When the person gave or withdrew it, as evidenced' }) occurredAt: Date;
  @ApiProperty() recordedAt: Date;
  @ApiProperty({ type: String, nullable: true }) ip: string | null;
  @ApiProperty({ type: String, nullable: true }) userAgent: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Version of the consent text the person saw' })
  textVersion: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) importJobId: string | null;
  @ApiProperty({ type: String, nullable: true }) importFile: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) importLine: number | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) staffUserId: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Anything else the source told us',
  })
  details: Record<string, unknown>;
  @ApiProperty({ description: 'The event in words' }) description: string;
}

export class ConsentHistoryDto {
  @ApiProperty({ type: [ConsentStateDto] }) states: ConsentStateDto[];
  @ApiProperty({ type: [ConsentEventDto], description: 'Oldest first' }) events: ConsentEventDto[];
}
