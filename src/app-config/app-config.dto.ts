import { ApiProperty } from '@nestjs/swagger';
import { UI_LANGUAGES, type UiLanguage } from '../auth/staff-user.entity.js';
import { MESSAGE_LANGUAGES, type MessageLanguage } from '../common/languages.js';
import { CHANNELS, type Channel } from '../consent/consent.js';

export class PurposeNamesDto {
  @ApiProperty({ example: 'Neuigkeiten aus der Kampagne' }) de: string;
  @ApiProperty({ example: 'Campaign news' }) en: string;
}

export class ConsentPurposeDto {
  @ApiProperty({ example: 'campaign-news' }) key: string;
  @ApiProperty({
    type: PurposeNamesDto,
    description:
      'The name supporters read on the public pages, in each language; the key itself when it has none',
  })
  names: PurposeNamesDto;
}

export class PurposesConfigDto {
  @ApiProperty({ type: ConsentPurposeDto, isArray: true, description: 'CONSENT_PURPOSES, in their order' })
  all: ConsentPurposeDto[];

  @ApiProperty({
    example: 'campaign-news',
    description:
      'DEFAULT_CONSENT_PURPOSE: what an import grants, and what a form proposes, unless told otherwise',
  })
  default: string;

  @ApiProperty({
    example: 'event-reminders',
    description: 'What a new event reminder is sent for unless changed',
  })
  eventReminders: string;
}

export class LanguagesConfigDto {
  @ApiProperty({ enum: UI_LANGUAGES, isArray: true, description: 'The languages the web app speaks' })
  app: UiLanguage[];

  @ApiProperty({
    enum: MESSAGE_LANGUAGES,
    isArray: true,
    description:
      'The languages messages and public pages are written in; a contact with another gets English',
  })
  messages: MessageLanguage[];

  @ApiProperty({
    type: String,
    isArray: true,
    example: ['de', 'en', 'tr'],
    description:
      'The contact languages the importer knows by name; any other two-letter ISO 639-1 code is accepted as written',
  })
  contacts: string[];
}

export class QuietHoursDto {
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 23, example: 21, description: 'Local hour it starts' })
  from: number;
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 23, example: 8, description: 'Local hour it ends' })
  to: number;
}

export class QuietHoursConfigDto {
  @ApiProperty({ type: QuietHoursDto, nullable: true, description: 'QUIET_HOURS_EMAIL; null: off' })
  email: QuietHoursDto | null;
  @ApiProperty({ type: QuietHoursDto, nullable: true, description: 'QUIET_HOURS_SMS; null: off' })
  sms: QuietHoursDto | null;
}

export class FrequencyCapDto {
  @ApiProperty({ type: 'integer', example: 3 }) messages: number;
  @ApiProperty({ type: 'integer', example: 7 }) days: number;
}

export class RatesConfigDto {
  @ApiProperty({
    type: 'integer',
    description: 'EMAIL_PER_SECOND: messages per second, all workers; 0: no limit',
  })
  email: number;
  @ApiProperty({
    type: 'integer',
    description: 'SMS_PER_SECOND: messages per second, all workers; 0: no limit',
  })
  sms: number;
}

/** What the web app needs to know of the service's configuration. Nothing secret: no keys, tokens or addresses. */
export class AppConfigDto {
  @ApiProperty({ type: PurposesConfigDto }) purposes: PurposesConfigDto;
  @ApiProperty({ type: LanguagesConfigDto }) languages: LanguagesConfigDto;
  @ApiProperty({ enum: CHANNELS, isArray: true }) channels: Channel[];

  @ApiProperty({
    type: String,
    isArray: true,
    example: ['external_id', 'first_name', 'email'],
    description: 'The keys a contacts mapping may name, the importer’s own list',
  })
  contactMappingKeys: string[];

  @ApiProperty({
    type: 'integer',
    description: 'APPROVAL_THRESHOLD: a wave reaching more people needs a second person’s approval',
  })
  approvalThreshold: number;

  @ApiProperty({
    type: FrequencyCapDto,
    nullable: true,
    description: 'FREQUENCY_CAP: at most this many campaign messages per contact in so many days; null: off',
  })
  frequencyCap: FrequencyCapDto | null;

  @ApiProperty({ type: QuietHoursConfigDto, description: 'In the contact’s own time zone' })
  quietHours: QuietHoursConfigDto;

  @ApiProperty({ type: RatesConfigDto }) ratesPerSecond: RatesConfigDto;

  @ApiProperty({
    description: 'MATCH_MIN_SCORE: a template scoring less is no clear match for a segment',
    example: 0.2,
  })
  matchMinScore: number;
}
