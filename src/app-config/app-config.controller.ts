import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UI_LANGUAGES } from '../auth/staff-user.entity.js';
import { MESSAGE_LANGUAGES } from '../common/languages.js';
import { ApiErrors } from '../common/api-docs.js';
import { purposeName, STRINGS } from '../common/strings.js';
import { consentPurposes, Env, eventReminderPurpose } from '../config/config.js';
import { CHANNELS } from '../consent/consent.js';
import { NAMED_CONTACT_LANGUAGES } from '../contacts/addresses.js';
import { MAPPING_KEYS } from '../imports/mapping-keys.js';
import { AppConfigDto } from './app-config.dto.js';

/** The service's settings the web app shows and chooses from, read once after sign-in; no role needed beyond one. */
@ApiTags('config')
@ApiBearerAuth()
@Controller('config')
export class AppConfigController {
  constructor(private readonly env: Env) {}

  @Get()
  @ApiOperation({
    summary:
      'The configuration the web app reads: consent purposes, languages, channels, mapping keys, thresholds',
  })
  @ApiOkResponse({ type: AppConfigDto })
  @ApiErrors(401)
  get(): AppConfigDto {
    const env = this.env;
    return {
      purposes: {
        all: consentPurposes(env).map((key) => ({
          key,
          names: { de: purposeName(STRINGS.de, key), en: purposeName(STRINGS.en, key) },
        })),
        default: env.DEFAULT_CONSENT_PURPOSE,
        eventReminders: eventReminderPurpose(env),
      },
      languages: {
        app: [...UI_LANGUAGES],
        messages: [...MESSAGE_LANGUAGES],
        contacts: [...NAMED_CONTACT_LANGUAGES],
      },
      channels: [...CHANNELS],
      contactMappingKeys: Object.keys(MAPPING_KEYS.contacts),
      approvalThreshold: env.APPROVAL_THRESHOLD,
      frequencyCap: env.frequencyCap,
      quietHours: env.quietHours,
      ratesPerSecond: { email: env.EMAIL_PER_SECOND, sms: env.SMS_PER_SECOND },
      matchMinScore: env.MATCH_MIN_SCORE,
    };
  }
}
