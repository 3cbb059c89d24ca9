import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  ArrayNotEmpty,
  ArrayUnique,
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
import {
  CHANNELS,
  CONSENT_ACTIONS,
  CONSENT_SOURCES,
  type Channel,
  type ConsentAction,
  type ConsentSource,
} from '../consent/consent.js';
import { RegionRefDto, StaffRefDto } from '../common/api-docs.js';
import { ContactQuery } from '../contacts/contacts.dto.js';
import { RELEASE_SOURCES, type ReleaseSource } from '../messaging/confirmation-release.entity.js';
import { OPT_OUT_VIAS, type OptOutVia } from '../messaging/wave-opt-out.entity.js';
import { FailureCountDto, SkipCountDto, WaveProgressDto } from '../waves/waves.dto.js';
import { ConsentHistoryDto, ConsentStateDto } from '../consent/consent.dto.js';
import { REFUSALS, type Refusal } from '../consent/send-rules.js';
import { MESSAGE_KINDS, MESSAGE_STATUSES } from '../messaging/message.entity.js';
import { LocalizedTextDto } from '../templates/templates.dto.js';

const PURPOSE = /^[a-z0-9-]{1,60}$/;

export class RecordConsentDto {
  @ApiProperty({ enum: CHANNELS })
  @IsIn(CHANNELS)
  channel: Channel;

  @ApiProperty({
    example: ['event-reminders'],
    description: 'The purposes the evidence names, at least one; no other purpose changes',
  })
  @IsArray({ message: 'purposes must be a list of the purposes the evidence names' })
  @ArrayMinSize(1, {
    message:
      'purposes must name at least one purpose: a consent records only the purposes its evidence names',
  })
  @ArrayUnique({ message: 'purposes must name each purpose once' })
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

export class PutRetentionRuleDto {
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

export class ConsentChangeDto {
  @ApiProperty({ type: [String], description: 'The purposes whose state this changed' }) changed: string[];
  @ApiProperty({ type: [ConsentStateDto] }) states: ConsentStateDto[];
}

/** The consent gate let the message through: it is in the ledger. */
export class QueuedMessageDto {
  @ApiProperty({ enum: [true] }) queued: true;
  @ApiProperty({ format: 'uuid' }) messageId: string;
  @ApiProperty({ enum: ['queued'] }) status: 'queued';
  @ApiProperty() dueAt: Date;
}

/** The consent gate refused the message, with the rule that refused it. */
export class RefusedMessageDto {
  @ApiProperty({ enum: [false] }) queued: false;
  @ApiProperty({ enum: REFUSALS }) reason: Refusal;
}

/** The contact's row as stored (column names as in the database). */
export class ExportedContactDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, nullable: true }) external_id: string | null;
  @ApiProperty({ type: String, nullable: true }) first_name: string | null;
  @ApiProperty({ type: String, nullable: true }) last_name: string | null;
  @ApiProperty({ type: String, nullable: true }) email: string | null;
  @ApiProperty({ type: String, nullable: true }) phone: string | null;
  @ApiProperty() phone_landline: boolean;
  @ApiProperty({ type: String, nullable: true }) postal_code: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) region_id: string | null;
  @ApiProperty({ type: String, nullable: true }) region_code: string | null;
  @ApiProperty({ type: String, nullable: true }) region_name: string | null;
  @ApiProperty() language: string;
  @ApiProperty() time_zone: string;
  @ApiProperty({ type: String, nullable: true, description: 'Where the contact came from (retention rules)' })
  source: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }] },
    description: 'Attributes the person declared',
  })
  attributes: Record<string, string | number>;
  @ApiProperty() created_at: Date;
  @ApiProperty() updated_at: Date;
}

export class ExportedConsentEventDto {
  @ApiProperty({ enum: CHANNELS }) channel: Channel;
  @ApiProperty() purpose: string;
  @ApiProperty({ enum: CONSENT_ACTIONS }) action: ConsentAction;
  @ApiProperty({ enum: CONSENT_SOURCES }) source: ConsentSource;
  @ApiProperty() occurred_at: Date;
  @ApiProperty() recorded_at: Date;
  @ApiProperty({ type: String, nullable: true }) ip: string | null;
  @ApiProperty({ type: String, nullable: true }) user_agent: string | null;
  @ApiProperty({ type: String, nullable: true }) text_version: string | null;
  @ApiProperty({ type: String, nullable: true }) import_file: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) import_line: number | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) details: Record<string, unknown>;
}

export class ExportedMessageDto {
  @ApiProperty({ enum: MESSAGE_KINDS }) kind: string;
  @ApiProperty({ enum: CHANNELS }) channel: Channel;
  @ApiProperty() purpose: string;
  @ApiProperty({ type: String, nullable: true }) address: string | null;
  @ApiProperty({ type: String, nullable: true }) template_key: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) template_version: number | null;
  @ApiProperty({ type: String, nullable: true }) language: string | null;
  @ApiProperty({ enum: MESSAGE_STATUSES }) status: string;
  @ApiProperty({ type: String, nullable: true }) error_code: string | null;
  @ApiProperty() created_at: Date;
  @ApiProperty({ type: Date, nullable: true }) sent_at: Date | null;
}

export class ExportedSegmentDto {
  @ApiProperty({ format: 'uuid' }) run_id: string;
  @ApiProperty({ type: 'integer' }) index: number;
  @ApiProperty({ description: "The segment's name, or its English label" }) segment: string;
}

/** Everything held about one contact (Art. 15). */
export class ContactExportDto {
  @ApiProperty() exportedAt: Date;
  @ApiProperty({ type: ExportedContactDto }) contact: ExportedContactDto;
  @ApiProperty({ type: [ExportedConsentEventDto] }) consentEvents: ExportedConsentEventDto[];
  @ApiProperty({ type: [ExportedMessageDto] }) messages: ExportedMessageDto[];
  @ApiProperty({ type: [ExportedSegmentDto], description: 'The segments of every run the contact is in' })
  segments: ExportedSegmentDto[];
  // Lazily: these classes are declared further down, beside the contact's other views.
  @ApiProperty({ type: () => [ContactOptOutDto], description: 'Opt-outs that counted for a wave' })
  optOuts: ContactOptOutDto[];
  @ApiProperty({ type: () => [ContactComplaintDto], description: 'Complaints about its messages' })
  complaints: ContactComplaintDto[];
}

export class RetentionRuleDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'petition-2026', description: 'The contacts’ source it applies to' })
  source: string;
  @ApiProperty({ type: 'integer' }) days: number;
  @ApiProperty({
    type: String,
    format: 'date',
    nullable: true,
    description: 'Start date; null: each contact’s creation',
  })
  after: string | null;
  @ApiProperty({ type: Date, nullable: true }) lastRunAt: Date | null;
  @ApiProperty() createdAt: Date;
}

export class ApplyRetentionDto {
  @ApiProperty({
    type: 'integer',
    description:
      'The count the person was shown (the rules’ due contacts added up): when more would be erased now, nothing ' +
      'is erased and the answer is 409, so nobody is erased who was not counted',
  })
  @IsInt()
  @Min(0)
  expected: number;
}

export class RetentionDueDto {
  @ApiProperty() source: string;
  @ApiProperty({ type: 'integer', description: 'Contacts the rule would erase now' }) due: number;
}

export class RetentionResultDto {
  @ApiProperty() source: string;
  @ApiProperty({ type: 'integer', description: 'Contacts erased now' }) erased: number;
}

/** The region a contact is in, with its set. */
export class ContactRegionDto extends RegionRefDto {
  @ApiProperty({ example: 'constituency/2025' }) set: string;
}

/** The contact's segment in the latest run over its region's set. */
export class ContactSegmentDto {
  @ApiProperty({ format: 'uuid' }) runId: string;
  @ApiProperty() runCreatedAt: Date;
  @ApiProperty({ format: 'uuid' }) segmentId: string;
  @ApiProperty({ type: 'integer' }) index: number;
  @ApiProperty({ type: String, nullable: true, description: "A strategist's name for it" }) name:
    string | null;
  @ApiProperty({ type: LocalizedTextDto, description: 'The generated label' }) label: LocalizedTextDto;
}

export class WaveRefDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
}

/** One message of the ledger to this contact. */
export class AskedByDto {
  @ApiProperty({ enum: ['import', 'contacts', 'contact'] }) source: string;
  @ApiProperty() secondAsk: boolean;
  @ApiProperty({ type: String, nullable: true, description: "The staff user's name" }) by: string | null;
}

export class ContactMessageDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({
    type: WaveRefDto,
    nullable: true,
    description: 'null for a single message or a confirmation',
  })
  wave: WaveRefDto | null;
  @ApiProperty({ enum: MESSAGE_KINDS }) kind: string;
  @ApiProperty({ enum: CHANNELS }) channel: Channel;
  @ApiProperty({ description: 'The consent purpose it was sent under' }) purpose: string;
  @ApiProperty({ type: String, nullable: true }) templateKey: string | null;
  @ApiProperty({ enum: MESSAGE_STATUSES }) status: string;
  @ApiProperty({ type: String, nullable: true, description: 'Why it failed or was skipped' })
  errorCode: string | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ type: Date, nullable: true }) sentAt: Date | null;
  @ApiProperty({
    type: AskedByDto,
    nullable: true,
    description: 'A confirmation request staff released: who, and whether it asked the person a second time',
  })
  askedBy: AskedByDto | null;
}

export class ContactMessagesDto {
  @ApiProperty({ type: 'integer', description: 'All messages to the contact' }) total: number;
  @ApiProperty({ type: [ContactMessageDto], description: 'The latest 100, newest first' })
  items: ContactMessageDto[];
}

/** An opt-out of this contact that counted for a wave. */
export class ContactOptOutDto {
  @ApiProperty({ type: 'string', description: 'Its row (a number as text)' }) id: string;
  @ApiProperty({ description: 'To the minute' }) occurredAt: Date;
  @ApiProperty({ type: WaveRefDto }) wave: WaveRefDto;
  @ApiProperty({ enum: CHANNELS }) channel: Channel;
  @ApiProperty({ description: 'The consent purpose of the message it came through' }) purpose: string;
  @ApiProperty({
    enum: OPT_OUT_VIAS,
    description: "The unsubscribe page's button, a mail client's one-click, or an SMS STOP",
  })
  via: OptOutVia;
}

/** A provider's report that the contact complained about a message (marked it as spam). */
export class ContactComplaintDto {
  @ApiProperty({ type: 'string', description: 'Its report (a number as text)' }) id: string;
  @ApiProperty() receivedAt: Date;
  @ApiProperty({ type: WaveRefDto, nullable: true, description: 'null for a single message' })
  wave: WaveRefDto | null;
  @ApiProperty({ enum: CHANNELS }) channel: Channel;
  @ApiProperty({ description: 'The consent purpose of the message' }) purpose: string;
  @ApiProperty({ description: "The provider's own word for it" }) reported: string;
}

/** Everything a staff screen shows about one contact. */
export class ContactDetailDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, nullable: true }) externalId: string | null;
  @ApiProperty({ type: String, nullable: true }) firstName: string | null;
  @ApiProperty({ type: String, nullable: true }) lastName: string | null;
  @ApiProperty({ type: String, nullable: true }) email: string | null;
  @ApiProperty({ type: String, nullable: true }) phone: string | null;
  @ApiProperty({ description: 'The phone is a landline: never sent an SMS' }) phoneLandline: boolean;
  @ApiProperty({ type: String, nullable: true }) postalCode: string | null;
  @ApiProperty({ example: 'de' }) language: string;
  @ApiProperty({ example: 'Europe/Berlin' }) timeZone: string;
  @ApiProperty({ type: String, nullable: true, description: 'The import source (retention rules)' })
  source: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }] },
    description: 'Attributes the person declared',
  })
  attributes: Record<string, string | number>;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
  @ApiProperty({ type: ContactRegionDto, nullable: true }) region: ContactRegionDto | null;
  @ApiProperty({
    type: ContactSegmentDto,
    nullable: true,
    description: "Its segment in the latest run over its region's set; null without a region or a run",
  })
  segment: ContactSegmentDto | null;
  @ApiProperty({
    type: ConsentHistoryDto,
    description:
      'The consent per channel × purpose now, and every event with its evidence (as GET /contacts/{id}/consent)',
  })
  consent: ConsentHistoryDto;
  @ApiProperty({ type: ContactMessagesDto }) messages: ContactMessagesDto;
  @ApiProperty({ type: [ContactOptOutDto], description: 'Opt-outs that counted for a wave, oldest first' })
  optOuts: ContactOptOutDto[];
  @ApiProperty({ type: [ContactComplaintDto], description: 'Complaints about its messages, oldest first' })
  complaints: ContactComplaintDto[];
}

/** Who a release of double opt-in requests is for: the contacts screen's filters (all of them when none is given). */
export class ConfirmationFilterDto extends PickType(ContactQuery, [
  'q',
  'regionId',
  'region',
  'segmentId',
  'language',
  'importJobId',
] as const) {}

export class ReleaseConfirmationsDto extends ConfirmationFilterDto {
  @ApiPropertyOptional({ enum: CHANNELS, isArray: true, default: CHANNELS })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @IsIn(CHANNELS, { each: true })
  channels?: Channel[];

  @ApiProperty({
    type: 'integer',
    description:
      'The count the person was shown (GET /confirmations/pending, the channels added up): when more people would ' +
      'be asked now, nothing is sent and the answer is 409, so nobody is asked who was not counted',
  })
  @IsInt()
  @Min(0)
  expected: number;
}

export class PendingConfirmationsDto {
  @ApiProperty({ type: 'integer', description: 'People who would be asked by email now' }) email: number;
  @ApiProperty({ type: 'integer', description: 'By SMS' }) sms: number;
}

export class ConfirmationReleaseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: PendingConfirmationsDto, description: 'Requests queued, per channel' })
  queued: PendingConfirmationsDto;
}

export class ConfirmationReleaseProgressDto extends WaveProgressDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: RELEASE_SOURCES }) source: ReleaseSource;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) importJobId: string | null;
  @ApiProperty({ type: StaffRefDto, nullable: true, description: 'Who decided to ask' })
  createdBy: StaffRefDto | null;
  @ApiProperty({ description: 'A second request to one person' }) secondAsk: boolean;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ type: [FailureCountDto], description: 'By error code, most first' })
  errors: FailureCountDto[];
  @ApiProperty({ type: [SkipCountDto], description: 'By reason, most first' }) skipped: SkipCountDto[];
}
