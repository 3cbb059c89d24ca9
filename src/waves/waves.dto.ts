import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
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
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { CHANNELS, type Channel } from '../consent/consent.js';
import { EXCLUSIONS, QUIET_HOURS } from '../consent/send-rules.js';
import { MESSAGE_STATUSES, type MessageStatus } from '../messaging/message.entity.js';
import { PageQuery } from '../common/pagination.js';
import { LocalizedTextDto } from '../templates/templates.dto.js';
import { WAVE_STATUSES, type WaveStatus } from './wave.entities.js';

export const PURPOSE = /^[a-z0-9-]{1,60}$/;

export class AudienceDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Segmentation run whose segments are chosen' })
  @IsOptional()
  @IsUUID()
  runId?: string;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description: 'Segments of that run; empty: every consenting contact',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  segmentIds?: string[];

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description: 'Only contacts in these regions (or their sub-regions)',
  })
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
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }] },
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

/**
 * A change to a draft: the fields given replace the stored ones (the audience as a whole) and the result is checked
 * as a new wave would be. Any change withdraws the wave's approval.
 */
export class UpdateWaveDto extends PartialType(OmitType(CreateWaveDto, ['scheduledAt'] as const), {
  skipNullProperties: false,
}) {
  @ApiPropertyOptional({
    type: Date,
    nullable: true,
    description: 'Start sending at this time; null: at launch',
  })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  scheduledAt?: Date | null;
}

export class WavesQuery {
  @ApiPropertyOptional({
    enum: ['my-approval'],
    description:
      '`my-approval`: only the waves that wait for the caller to approve them (not started, neither created nor ' +
      'changed by them, above the threshold by their latest count and without an approval of their revision now)',
  })
  @IsOptional()
  @IsIn(['my-approval'])
  awaiting?: 'my-approval';
}

export class MessagesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: MESSAGE_STATUSES })
  @IsOptional()
  @IsIn(MESSAGE_STATUSES)
  status?: MessageStatus;
}

/** The revision of a wave its approver saw: from `GET /waves/:id` or the preview. */
export class ApproveWaveDto {
  @ApiProperty({ type: 'integer', minimum: 1, description: 'The revision the approver saw (`revision`)' })
  @IsInt()
  @Min(1)
  revision: number;
}

/** Who approved a wave, when, and what: the revision and the preview's count they saw. */
export class WaveApprovalDto {
  @ApiProperty({ format: 'uuid', description: 'Staff user' }) by: string;
  @ApiProperty({ type: String, nullable: true, description: 'Their name' }) byName: string | null;
  @ApiProperty() at: Date;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'The revision approved; null: approved before approvals recorded it',
  })
  revision: number | null;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description:
      'The preview’s `final` when it was approved; a launch reaching more than APPROVAL_TOLERANCE above it needs a new approval',
  })
  final: number | null;
}

/** A template a wave sends, per segment (or to everyone), with the template's latest version. */
export class WaveTemplateDto {
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'null: a fixed template, for everyone',
  })
  segmentId: string | null;
  @ApiProperty({ type: String, nullable: true, description: "The segment's name, or its English label" })
  segment: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Template key; null: the segment has no approved match',
  })
  template: string | null;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'The version sent: the one its match approved, or for a fixed template the latest',
  })
  version: number | null;
  @ApiProperty({ type: 'integer', nullable: true, description: "The template's latest version" })
  latestVersion: number | null;
  @ApiProperty({ type: Date, nullable: true, description: 'When the latest version was saved' })
  latestSavedAt: Date | null;
  @ApiProperty({
    description:
      'A fixed template: the wave sends its latest version at launch, and a new version withdraws its approval',
  })
  takesLatest: boolean;
  @ApiProperty({ description: 'The segment waits for a template chosen by hand, and is skipped until then' })
  handChoice: boolean;
}

/** A wave as it is stored. */
export class WaveDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: CHANNELS }) channel: Channel;
  @ApiProperty({ example: 'campaign-news' }) purpose: string;
  @ApiProperty({ type: AudienceDto }) audience: AudienceDto;
  @ApiProperty({ enum: ['approved', 'fixed'], description: 'each segment’s approved match, or one template' })
  templateStrategy: 'approved' | 'fixed';
  @ApiProperty({ type: String, nullable: true, description: 'The template of a `fixed` wave' })
  templateKey: string | null;
  @ApiProperty({ type: Date, nullable: true, description: 'When sending starts; null: at launch' })
  scheduledAt: Date | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The event a reminder is for' })
  eventId: string | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Reminders: minutes before the event' })
  offsetMinutes: number | null;
  @ApiProperty({ type: Date, nullable: true, description: 'Reminders: none goes out after this moment' })
  cutoffAt: Date | null;
  @ApiProperty({
    enum: WAVE_STATUSES,
    description: '`needs-approval`: scheduled, but its approval no longer held when its time came',
  })
  status: WaveStatus;
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    description:
      'Rises with every change to what decides who gets what (audience, channel, purpose, schedule, template ' +
      'strategy and the template versions it resolves to); an approval is of one revision',
  })
  revision: number;
  @ApiProperty({
    type: [WaveTemplateDto],
    description: 'The templates this revision sends, with their versions',
  })
  templates: WaveTemplateDto[];
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Staff user' }) createdBy:
    string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Their name' })
  createdByName: string | null;
  @ApiProperty({
    type: WaveApprovalDto,
    nullable: true,
    description: 'Needed to launch a wave above APPROVAL_THRESHOLD; a new revision withdraws it',
  })
  approval: WaveApprovalDto | null;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description:
      'The recipients its latest preview or launch attempt counted for this revision; null: not counted since',
  })
  recipients: number | null;
  @ApiProperty({ type: Date, nullable: true }) launchedAt: Date | null;
  @ApiProperty({ type: Date, nullable: true }) completedAt: Date | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
}

const COUNT = { type: 'integer', minimum: 0 } as const;

/** A wave's messages per status (statuses without any are absent). */
export class MessageCountsDto {
  @ApiPropertyOptional(COUNT) queued?: number;
  @ApiPropertyOptional(COUNT) sending?: number;
  @ApiPropertyOptional(COUNT) sent?: number;
  @ApiPropertyOptional(COUNT) delivered?: number;
  @ApiPropertyOptional(COUNT) failed?: number;
  @ApiPropertyOptional(COUNT) bounced?: number;
  @ApiPropertyOptional(COUNT) skipped?: number;
}

export class WaveProgressDto {
  @ApiProperty({ ...COUNT, description: 'Messages in the ledger' }) total: number;
  @ApiProperty({ type: MessageCountsDto }) byStatus: MessageCountsDto;
  @ApiProperty({ ...COUNT, description: 'Queued or sending' }) left: number;
  @ApiProperty({ description: 'Achieved over the last minute' }) ratePerSecond: number;
  @ApiProperty({
    type: Date,
    nullable: true,
    description: 'At the achieved rate; null: nothing left or no rate',
  })
  expectedEnd: Date | null;
}

/** A wave with its progress. */
export class WaveDetailDto extends WaveDto {
  @ApiProperty({ type: WaveProgressDto }) progress: WaveProgressDto;
}

/** One bucket of the rate series. */
export class SentBucketDto {
  @ApiProperty({ description: 'Start of the bucket' }) at: Date;
  @ApiProperty({ ...COUNT, description: 'Messages handed to the provider in it' }) sent: number;
}

/** Messages handed to the provider per time bucket, from the bucket the wave started sending in to now. */
export class SentSeriesDto {
  @ApiProperty({
    type: 'integer',
    description:
      '10 for a wave sending for up to an hour; larger for longer ones (at most about 360 buckets)',
  })
  bucketSeconds: number;
  @ApiProperty({
    type: [SentBucketDto],
    description: 'Every bucket, empty ones included; none before the start',
  })
  buckets: SentBucketDto[];
}

/** Messages that failed, or wait for another attempt, with one error code. */
export class FailureCountDto {
  @ApiProperty({
    example: 'smtp-550',
    description: "The provider's code, or the ledger's own (ambiguous, …)",
  })
  code: string;
  @ApiProperty({ description: 'The code in words' }) meaning: string;
  @ApiProperty({ ...COUNT, description: 'Failed or bounced for good' }) failed: number;
  @ApiProperty({ ...COUNT, description: 'Queued again after a transient failure' }) retrying: number;
}

/** Messages skipped for one reason. */
export class SkipCountDto {
  @ApiProperty({ example: 'withdrawn', description: 'A rule of the rulebook, or cancelled' }) reason: string;
  @ApiProperty({ description: 'The reason in words' }) meaning: string;
  @ApiProperty(COUNT) count: number;
}

/** Provider reports about the wave that could not be tied to one message, by reason. */
export class ReportAnomalyCountDto {
  @ApiProperty({ enum: ['unknown-id', 'shared-id'] }) kind: string;
  @ApiProperty({ description: 'The reason in words' }) meaning: string;
  @ApiProperty(COUNT) count: number;
}

/** What a live monitor shows, in one answer cheap enough to poll every few seconds. */
export class WaveMonitorDto extends WaveProgressDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: WAVE_STATUSES }) status: WaveStatus;
  @ApiProperty({ enum: CHANNELS }) channel: Channel;
  @ApiProperty({ description: 'When this answer was made' }) at: Date;
  @ApiProperty({
    ...COUNT,
    description: 'Handed to the provider: sent, delivered, and those it failed afterwards',
  })
  handedOver: number;
  @ApiProperty({
    ...COUNT,
    description:
      'Failed as ambiguous: with the provider when their worker stopped, outcome unknown, never resent',
  })
  ambiguous: number;
  @ApiProperty({
    type: 'number',
    nullable: true,
    description: 'The channel’s configured rate (EMAIL_PER_SECOND, SMS_PER_SECOND); null: unlimited',
  })
  configuredRatePerSecond: number | null;
  @ApiProperty({ type: SentSeriesDto }) sent: SentSeriesDto;
  @ApiProperty({ type: [FailureCountDto], description: 'By error code, most first' })
  errors: FailureCountDto[];
  @ApiProperty({ type: [SkipCountDto], description: 'By reason, most first' }) skipped: SkipCountDto[];
  @ApiProperty({
    type: [ReportAnomalyCountDto],
    description:
      'Provider reports about this wave tied to no single message (a provider that gave one id to several): kept, changed nothing',
  })
  reportAnomalies: ReportAnomalyCountDto[];
}

export class PreviewWaveDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: CHANNELS }) channel: Channel;
  @ApiProperty() purpose: string;
  @ApiProperty({ enum: WAVE_STATUSES }) status: WaveStatus;
}

/** One rule of the rulebook, in order: how many it excludes and how many remain after it. */
export class ExclusionStepDto {
  @ApiProperty({ enum: EXCLUSIONS }) reason: string;
  @ApiProperty({ description: 'The rule in words' }) meaning: string;
  @ApiProperty(COUNT) excluded: number;
  @ApiProperty(COUNT) remaining: number;
}

/** Part of `final`: messages that go out when quiet hours end in the contact's zone. */
export class DeferredDto {
  @ApiProperty({ enum: [QUIET_HOURS.reason] }) reason: string;
  @ApiProperty() meaning: string;
  @ApiProperty(COUNT) count: number;
  @ApiProperty({ type: Date, nullable: true, description: 'When the last of them may go' })
  until: Date | null;
}

/** The messages that would go out, per segment, template and language. */
export class PreviewGroupDto {
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null: a wave without segments' })
  segmentId: string | null;
  @ApiProperty({ type: String, nullable: true, description: "The segment's name, or its English label" })
  segment: string | null;
  @ApiProperty({ description: 'Template key' }) template: string;
  @ApiProperty({ type: 'integer', description: 'The version sent' }) templateVersion: number;
  @ApiProperty({ type: 'integer', description: "The template's latest version (a newer one is not sent)" })
  latestVersion: number;
  @ApiProperty({ description: 'A fixed template: its latest version at launch is sent' })
  takesLatest: boolean;
  @ApiProperty({ example: 'de' }) language: string;
  @ApiProperty(COUNT) count: number;
}

/** One message per template, version and language, rendered for a made-up person. */
export class PreviewSampleDto {
  @ApiProperty({ description: 'Template key' }) template: string;
  @ApiProperty({ type: 'integer' }) templateVersion: number;
  @ApiProperty() language: string;
  @ApiProperty({ description: 'Rendered without any contact (the audience is empty): no region' })
  madeUp: boolean;
  @ApiProperty({ type: [String], description: 'Placeholders the text uses that came out empty' })
  emptyPlaceholders: string[];
  @ApiPropertyOptional({ description: 'Email waves' }) subject?: string;
  @ApiPropertyOptional({ description: 'Email waves' }) text?: string;
  @ApiPropertyOptional({ description: 'Email waves; the first 4000 characters' }) html?: string;
  @ApiPropertyOptional({ description: 'SMS waves' }) sms?: string;
  @ApiPropertyOptional({ enum: ['GSM-7', 'UCS-2'], description: 'SMS waves' }) encoding?: 'GSM-7' | 'UCS-2';
  @ApiPropertyOptional({ type: 'integer', description: 'SMS waves: parts per message' }) segments?: number;
}

/** Whether the wave needs an approval to be launched (it would reach more than APPROVAL_THRESHOLD people). */
export class PreviewApprovalDto {
  @ApiProperty({ type: 'integer', description: 'APPROVAL_THRESHOLD' }) threshold: number;
  @ApiProperty({ description: '`final` is above the threshold' }) required: boolean;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Who approved it; null: nobody' })
  by: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Their name' }) byName: string | null;
  @ApiProperty({ type: Date, nullable: true }) at: Date | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'The revision approved' }) revision:
    number | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'The count approved' }) final: number | null;
  @ApiProperty({
    description: 'APPROVAL_TOLERANCE: per cent of growth over the count approved a launch allows',
  })
  tolerance: number;
}

export class SmsCostDto {
  @ApiProperty({ ...COUNT, description: 'SMS parts of the whole wave' }) segments: number;
  @ApiProperty() pricePerSegment: number;
  @ApiProperty() estimatedCost: number;
}

/** The dry run: audience, every exclusion step, the final count per segment, template and language, samples. */
export class WavePreviewDto {
  @ApiProperty({ type: PreviewWaveDto }) wave: PreviewWaveDto;
  @ApiProperty({
    type: 'integer',
    description: 'The revision this preview is of: what an approval of it sends',
  })
  revision: number;
  @ApiProperty({ type: [WaveTemplateDto], description: 'The templates the wave sends, with their versions' })
  templates: WaveTemplateDto[];
  @ApiProperty({ ...COUNT, description: 'Contacts the audience selects' }) audience: number;
  @ApiProperty({ type: [ExclusionStepDto] }) steps: ExclusionStepDto[];
  @ApiProperty({ ...COUNT, description: 'Messages that would go out' }) final: number;
  @ApiProperty({ type: DeferredDto }) deferred: DeferredDto;
  @ApiProperty({ type: PreviewApprovalDto }) approval: PreviewApprovalDto;
  @ApiProperty({ type: [PreviewGroupDto] }) groups: PreviewGroupDto[];
  @ApiProperty({ type: [PreviewSampleDto] }) samples: PreviewSampleDto[];
  @ApiProperty({ type: [String], description: 'e.g. a placeholder that comes out empty' }) warnings: string[];
  @ApiPropertyOptional({ type: SmsCostDto, description: 'SMS waves' }) sms?: SmsCostDto;
  @ApiProperty({ type: 'number', nullable: true, description: 'The channel’s rate limit; null: unlimited' })
  ratePerSecond: number | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'At that rate; null: unlimited' })
  expectedDurationSeconds: number | null;
}

/** One row of a wave's ledger. */
export class WaveMessageDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'null once the contact is erased',
  })
  contactId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) segmentId: string | null;
  @ApiProperty({ enum: MESSAGE_STATUSES }) status: MessageStatus;
  @ApiProperty({ type: String, nullable: true }) templateKey: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) templateVersion: number | null;
  @ApiProperty({ type: String, nullable: true }) language: string | null;
  @ApiProperty({ type: 'integer' }) attempts: number;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'e.g. the rule that skipped it, or the provider’s code',
  })
  errorCode: string | null;
  @ApiProperty({ type: String, nullable: true }) error: string | null;
  @ApiProperty({ type: String, nullable: true }) providerId: string | null;
  @ApiProperty({ description: 'Not before this moment' }) dueAt: Date;
  @ApiProperty({ type: Date, nullable: true }) sentAt: Date | null;
}

/** A match approved at an older version of a template than its latest. */
export class TemplateUseMatchDto {
  @ApiProperty({ format: 'uuid' }) segmentId: string;
  @ApiProperty({ format: 'uuid' }) runId: string;
  @ApiProperty({ type: String, nullable: true, description: "The segment's name, given by a strategist" })
  name: string | null;
  @ApiProperty({ type: LocalizedTextDto, description: 'Its generated label' }) label: LocalizedTextDto;
  @ApiProperty({ type: 'integer', description: 'The version its match approved' }) version: number;
}

/** A wave not yet launched that sends a template. */
export class TemplateUseWaveDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: WAVE_STATUSES }) status: WaveStatus;
  @ApiProperty({ description: 'It has an approval (of its revision now)' }) approved: boolean;
  @ApiProperty({ description: 'A fixed template: it sends the latest version at launch' })
  takesLatest: boolean;
  @ApiProperty({
    type: [Number],
    description: 'The versions it sends (over approved matches, one per match)',
  })
  versions: number[];
  @ApiProperty({ description: 'It sends an older version than the latest (its matches approved one)' })
  olderVersion: boolean;
}

/** Where a template is decided. */
export class TemplateUsesDto {
  @ApiProperty() key: string;
  @ApiProperty({ type: 'integer', description: 'Its latest version' }) version: number;
  @ApiProperty({ description: 'When the latest version was saved' }) savedAt: Date;
  @ApiProperty({ type: [TemplateUseMatchDto], description: 'Matches approved at an older version' })
  matches: TemplateUseMatchDto[];
  @ApiProperty({
    type: [TemplateUseWaveDto],
    description: 'Draft, scheduled and approved waves not yet launched',
  })
  waves: TemplateUseWaveDto[];
}
