import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CHANNELS, type Channel } from '../consent/consent.js';
import { WAVE_STATUSES, type WaveStatus } from './wave.entities.js';
import { LocalizedTextDto } from '../templates/templates.dto.js';

const COUNT = { type: 'integer' } as const;
const SHARE = { type: 'number', nullable: true, minimum: 0, maximum: 1 } as const;

/** A rate with the counts it is made of and its 95 % Wilson interval, so "3 of 40" never looks like "300 of 4,000". */
export class RateDto {
  @ApiProperty({ ...COUNT, description: 'Messages counted' }) count: number;
  @ApiProperty({ ...COUNT, description: 'Out of' }) of: number;
  @ApiProperty({ ...SHARE, description: 'count / of; null when of is 0' }) rate: number | null;
  @ApiProperty({ ...SHARE, description: 'Lower end of the 95 % Wilson interval' }) low: number | null;
  @ApiProperty({ ...SHARE, description: 'Upper end of the 95 % Wilson interval' }) high: number | null;
}

export class ResultRatesDto {
  @ApiProperty({ type: RateDto, description: 'Delivered, of the messages whose hand-over came to an end' })
  delivered: RateDto;
  @ApiProperty({ type: RateDto, description: 'Bounced (soft and hard), of the same' }) bounced: RateDto;
  @ApiProperty({ type: RateDto, description: 'Failed otherwise, of the same' }) failed: RateDto;
  @ApiProperty({ type: RateDto, description: 'Complaints, of the messages handed over' }) complaints: RateDto;
  @ApiProperty({
    type: RateDto,
    description: 'Opt-outs attributable to the wave, of the messages handed over',
  })
  optOuts: RateDto;
}

/** What became of a wave's messages (of a group, or of the whole wave). */
export class ResultCountsDto {
  @ApiProperty({ ...COUNT, description: 'The ledger rows: one per person the wave addressed, sent or not' })
  messages: number;
  @ApiProperty({
    ...COUNT,
    description:
      'Accepted by the provider, whatever happened after (delivered, bounced or failed later included)',
  })
  handedOver: number;
  @ApiProperty({ ...COUNT, description: 'The provider reported them delivered' }) delivered: number;
  @ApiProperty({ ...COUNT, description: 'softBounces + hardBounces' }) bounced: number;
  @ApiProperty({
    ...COUNT,
    description: 'Given up after every attempt for a temporary reason (a full mailbox, a deferring server)',
  })
  softBounces: number;
  @ApiProperty({ ...COUNT, description: 'Refused for good: no such mailbox; the address lost its consent' })
  hardBounces: number;
  @ApiProperty({ ...COUNT, description: 'Failed for any other reason (bounces not included)' })
  failed: number;
  @ApiProperty({ ...COUNT, description: 'Reported as spam by their recipients' }) complaints: number;
  @ApiProperty({
    ...COUNT,
    description:
      'Opt-outs attributable to the wave: an unsubscribe through one of its links, an SMS STOP within 72 h',
  })
  optOuts: number;
  @ApiProperty({ ...COUNT, description: 'Not sent, by a rule of the rulebook or the cancellation' })
  skipped: number;
  @ApiProperty({ ...COUNT, description: 'Still waiting or being handed over' }) pending: number;
}

export class ResultTotalsDto extends ResultCountsDto {
  @ApiProperty({ type: ResultRatesDto }) rates: ResultRatesDto;
}

export class ResultSegmentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, nullable: true, description: "The segment's name, or its English label" })
  name: string | null;
}

export class LinkClicksDto {
  @ApiProperty({ ...COUNT, description: "The link's number in its template version" }) link: number;
  @ApiProperty({ type: String, nullable: true, description: 'The address it leads to' }) url: string | null;
  @ApiProperty({ ...COUNT, description: 'Every click' }) clicks: number;
  @ApiProperty({ ...COUNT, description: 'Messages whose link was clicked at least once' })
  uniqueClicks: number;
}

/** The counts of a group or cell that may be withheld: absent when `suppressed` (see ResultCountsDto). */
export class WithheldCountsDto {
  @ApiPropertyOptional(COUNT) messages?: number;
  @ApiPropertyOptional(COUNT) handedOver?: number;
  @ApiPropertyOptional(COUNT) delivered?: number;
  @ApiPropertyOptional(COUNT) bounced?: number;
  @ApiPropertyOptional(COUNT) softBounces?: number;
  @ApiPropertyOptional(COUNT) hardBounces?: number;
  @ApiPropertyOptional(COUNT) failed?: number;
  @ApiPropertyOptional(COUNT) complaints?: number;
  @ApiPropertyOptional(COUNT) optOuts?: number;
  @ApiPropertyOptional(COUNT) skipped?: number;
  @ApiPropertyOptional(COUNT) pending?: number;
}

/** One segment × template × version × language; the counts are absent when `suppressed`. */
export class ResultGroupDto extends WithheldCountsDto {
  @ApiProperty({ type: ResultSegmentDto, nullable: true, description: 'null: a wave without segments' })
  segment: ResultSegmentDto | null;
  @ApiProperty({ type: String, nullable: true, description: 'Template key' }) template: string | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Template version sent' }) version:
    number | null;
  @ApiProperty({ type: String, nullable: true, example: 'de' }) language: string | null;
  @ApiProperty({
    description:
      'Fewer than 5 messages: the group describes a person, so its counts are withheld from roles that may not read contacts',
  })
  suppressed: boolean;
  @ApiPropertyOptional({ type: [LinkClicksDto], description: 'Per link of the template' })
  clicks?: LinkClicksDto[];
  @ApiPropertyOptional({ type: ResultRatesDto }) rates?: ResultRatesDto;
}

export class ResultBucketDto {
  @ApiProperty({ description: 'Start of the minute or hour' }) at: Date;
  @ApiProperty({ ...COUNT, description: 'Handed over in it' }) handedOver: number;
  @ApiProperty({ ...COUNT, description: 'Of those, delivered by now' }) delivered: number;
  @ApiProperty({ ...COUNT, description: 'Of those, bounced by now' }) bounced: number;
}

export class ResultSeriesDto {
  @ApiProperty({ enum: ['minute', 'hour'], description: 'Per minute while the wave sends, per hour after' })
  step: 'minute' | 'hour';
  @ApiProperty({ type: [ResultBucketDto], description: 'Buckets with messages handed over, oldest first' })
  buckets: ResultBucketDto[];
}

export class ResultWaveDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: CHANNELS }) channel: Channel;
  @ApiProperty({ enum: WAVE_STATUSES }) status: WaveStatus;
}

export class WaveResultsDto {
  @ApiProperty({ type: ResultWaveDto }) wave: ResultWaveDto;
  @ApiProperty({ description: 'When this answer was made' }) at: Date;
  @ApiProperty({ type: ResultTotalsDto }) totals: ResultTotalsDto;
  @ApiProperty({ type: [ResultGroupDto], description: 'Per segment, template, version and language' })
  groups: ResultGroupDto[];
  @ApiProperty({ type: ResultSeriesDto }) series: ResultSeriesDto;
}

export class CampaignRatesDto extends ResultRatesDto {
  @ApiProperty({
    type: RateDto,
    description: 'Messages with a tracked link clicked, of the messages handed over',
  })
  clicked: RateDto;
}

export class CampaignSegmentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, nullable: true, description: 'The name a strategist gave it' }) name:
    string | null;
  @ApiProperty({ type: LocalizedTextDto, description: 'Its generated label' }) label: LocalizedTextDto;
}

/** One segment × issue over all the waves of a segmentation. */
export class CampaignCellDto extends WithheldCountsDto {
  @ApiProperty({ type: CampaignSegmentDto, nullable: true }) segment: CampaignSegmentDto | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Template key (the issue); null for merged cells',
  })
  template: string | null;
  @ApiProperty({
    type: [String],
    nullable: true,
    description:
      'The issues of this segment put together because each reached fewer than 5 people (for roles that may not read contacts)',
  })
  merged: string[] | null;
  @ApiProperty({ description: 'Even put together, fewer than 5 people: the counts are withheld' })
  suppressed: boolean;
  @ApiProperty({ type: [String], description: 'The waves that sent it' }) waveIds: string[];
  @ApiPropertyOptional({ ...COUNT, description: 'Messages with a tracked link clicked' }) clickers?: number;
  @ApiPropertyOptional({ type: CampaignRatesDto }) rates?: CampaignRatesDto;
}

export class CampaignIssueDto {
  @ApiProperty({ description: 'Template key' }) key: string;
  @ApiProperty({ type: LocalizedTextDto }) name: LocalizedTextDto;
}

export class CampaignRunDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() createdAt: Date;
}

/** Which issue worked where: per segment × issue over all the launched waves of a segmentation. */
export class CampaignResultsDto {
  @ApiProperty({ type: CampaignRunDto }) run: CampaignRunDto;
  @ApiProperty({ type: [CampaignIssueDto], description: 'The issues (templates) its waves sent, by key' })
  issues: CampaignIssueDto[];
  @ApiProperty({ type: [CampaignSegmentDto], description: 'Every segment of the run, in its order' })
  segments: CampaignSegmentDto[];
  @ApiProperty({ type: [ResultWaveDto], description: 'The launched waves to its segments, oldest first' })
  waves: ResultWaveDto[];
  @ApiProperty({ type: [CampaignCellDto] }) cells: CampaignCellDto[];
}
