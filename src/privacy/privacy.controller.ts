import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Put } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { CurrentStaff, Roles, type StaffPrincipal } from '../common/auth.decorators.js';
import { ApiErrors } from '../common/api-docs.js';
import { AppError, ErrorCode } from '../common/errors.js';
import { ConsentHistoryDto } from '../consent/consent.dto.js';
import { ConsentService } from '../consent/consent.service.js';
import { ConfirmationReleasesService } from './confirmation-releases.service.js';
import {
  ConfirmationDto,
  ConsentChangeDto,
  ContactDetailDto,
  ContactExportDto,
  ApplyRetentionDto,
  PutRetentionRuleDto,
  QueuedMessageDto,
  RecordConsentDto,
  RefusedMessageDto,
  RetentionDueDto,
  RetentionResultDto,
  RetentionRuleDto,
  SendMessageDto,
} from './privacy.dto.js';
import { PrivacyService } from './privacy.service.js';

const SOURCE = /^[\w.-]{1,100}$/;

/** Queued, or refused by the consent gate with its reason: a refusal is an answer, not an error. */
const QUEUE_RESULT = {
  oneOf: [{ $ref: getSchemaPath(QueuedMessageDto) }, { $ref: getSchemaPath(RefusedMessageDto) }],
};

@ApiTags('consent and privacy')
@ApiBearerAuth()
@ApiErrors(401, 403)
@ApiExtraModels(QueuedMessageDto, RefusedMessageDto)
@Controller()
export class PrivacyController {
  constructor(
    private readonly privacy: PrivacyService,
    private readonly consent: ConsentService,
    private readonly releases: ConfirmationReleasesService,
  ) {}

  @Get('contacts/:id')
  @Roles('staff')
  @ApiTags('contacts')
  @ApiOperation({
    summary:
      'One contact: its data, region, segment, consent with every event and its evidence, and messages',
  })
  @ApiOkResponse({ type: ContactDetailDto })
  @ApiErrors(400, 404)
  contact(@Param('id', ParseUUIDPipe) id: string) {
    return this.privacy.contact(id);
  }

  @Get('contacts/:id/consent')
  @Roles('staff')
  @ApiOperation({ summary: "A contact's consent: the current state and every event with its evidence" })
  @ApiOkResponse({ type: ConsentHistoryDto })
  @ApiErrors(400, 404)
  history(@Param('id', ParseUUIDPipe) id: string) {
    return this.consent.timeline(id);
  }

  /** A consent given outside the product (a paper form, a phone call), with its evidence. */
  @Post('contacts/:id/consent')
  @Roles('admin')
  @ApiOperation({ summary: 'Record a consent given or withdrawn outside the product, with its evidence' })
  @ApiCreatedResponse({ type: ConsentChangeDto })
  @ApiErrors(400, 404, 422)
  record(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: RecordConsentDto,
    @CurrentStaff() staff: StaffPrincipal,
  ) {
    return this.privacy.recordConsent(id, dto, staff.id);
  }

  @Get('contacts/:id/export')
  @Roles('admin')
  @ApiOperation({ summary: 'Export everything held about a contact' })
  @ApiOkResponse({ type: ContactExportDto })
  @ApiErrors(400, 404)
  export(@Param('id', ParseUUIDPipe) id: string, @CurrentStaff() staff: StaffPrincipal) {
    return this.privacy.export(id, staff.id);
  }

  @Delete('contacts/:id')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Erase a contact (their addresses are suppressed from later imports)' })
  @ApiNoContentResponse({ description: 'Erased' })
  @ApiErrors(400, 404)
  async erase(@Param('id', ParseUUIDPipe) id: string, @CurrentStaff() staff: StaffPrincipal) {
    await this.privacy.erase(id, staff.id);
  }

  /** Queues one message of an issue template to one contact, through the consent gate (e.g. a test send). */
  @Post('contacts/:id/messages')
  @Roles('staff')
  @ApiOperation({ summary: 'Send one template message to a contact (e.g. a test), through the consent gate' })
  @ApiCreatedResponse({ schema: QUEUE_RESULT, description: 'Queued, or refused with the reason' })
  @ApiErrors({ 400: 'A malformed id, or no template with this key' }, 404, 422)
  send(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: SendMessageDto,
    @CurrentStaff() staff: StaffPrincipal,
  ) {
    return this.privacy.sendTemplate(id, dto, staff.id);
  }

  @Post('contacts/:id/confirmation')
  @Roles('staff')
  @ApiOperation({
    summary:
      'Ask one contact to confirm (again): a second request may follow one that went, shown as such on the timeline',
  })
  @ApiCreatedResponse({ schema: QUEUE_RESULT, description: 'Queued, or refused with the reason' })
  @ApiErrors(400, 404, 422)
  confirmation(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ConfirmationDto,
    @CurrentStaff() staff: StaffPrincipal,
  ) {
    return this.releases.askAgain(staff, id, dto.channel);
  }

  @Get('retention-rules')
  @Roles('admin')
  @ApiOperation({ summary: 'List the retention rules' })
  @ApiOkResponse({ type: [RetentionRuleDto], description: 'By source' })
  rules() {
    return this.privacy.listRules();
  }

  @Get('retention-rules/due')
  @Roles('admin')
  @ApiOperation({ summary: 'Count the contacts each retention rule would erase now' })
  @ApiOkResponse({ type: [RetentionDueDto], description: 'By source' })
  due() {
    return this.privacy.dueRetention();
  }

  @Put('retention-rules/:source')
  @Roles('admin')
  @ApiOperation({ summary: 'Set how long contacts of one source are kept' })
  @ApiOkResponse({ type: RetentionRuleDto })
  @ApiErrors({ 400: 'The source is not a short name' }, 422)
  putRule(
    @Param('source') source: string,
    @Body() dto: PutRetentionRuleDto,
    @CurrentStaff() staff: StaffPrincipal,
  ) {
    if (!SOURCE.test(source))
      throw new AppError(ErrorCode.BadRequest, 'source must be a short name such as petition-2026');
    return this.privacy.putRule(source, dto.days, dto.after ?? null, staff.id);
  }

  @Delete('retention-rules/:source')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove the retention rule of a source' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiErrors(404)
  deleteRule(@Param('source') source: string, @CurrentStaff() staff: StaffPrincipal) {
    return this.privacy.deleteRule(source, staff.id);
  }

  @Post('retention-rules/apply')
  @Roles('admin')
  @ApiOperation({ summary: 'Apply the retention rules now (they also run every hour)' })
  @ApiCreatedResponse({ type: [RetentionResultDto], description: 'Per rule, the contacts erased' })
  @ApiErrors({ 409: 'More contacts would be erased than the count the person was shown (`expected`)' }, 422)
  apply(@Body() dto: ApplyRetentionDto, @CurrentStaff() staff: StaffPrincipal) {
    return this.privacy.applyRetention(staff.id, dto.expected);
  }
}
