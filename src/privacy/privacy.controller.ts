import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentStaff, Roles, type StaffPrincipal } from '../auth/auth.decorators.js';
import { AppError, ErrorCode } from '../common/errors.js';
import { ConfirmationService } from '../messaging/confirmation.service.js';
import { ConfirmationDto, RecordConsentDto, RetentionRuleDto, SendMessageDto } from './privacy.dto.js';
import { PrivacyService } from './privacy.service.js';

const SOURCE = /^[\w.-]{1,100}$/;

@ApiTags('consent and privacy')
@ApiBearerAuth()
@Controller()
export class PrivacyController {
  constructor(
    private readonly privacy: PrivacyService,
    private readonly confirmations: ConfirmationService,
  ) {}

  @Get('contacts/:id/consent')
  @Roles('staff')
  history(@Param('id', ParseUUIDPipe) id: string) {
    return this.privacy.consentHistory(id);
  }

  /** A consent given outside the product (a paper form, a phone call), with its evidence. */
  @Post('contacts/:id/consent')
  @Roles('admin')
  record(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: RecordConsentDto,
    @CurrentStaff() staff: StaffPrincipal,
  ) {
    return this.privacy.recordConsent(id, dto, staff.id);
  }

  @Get('contacts/:id/export')
  @Roles('admin')
  export(@Param('id', ParseUUIDPipe) id: string, @CurrentStaff() staff: StaffPrincipal) {
    return this.privacy.export(id, staff.id);
  }

  @Delete('contacts/:id')
  @Roles('admin')
  @HttpCode(204)
  async erase(@Param('id', ParseUUIDPipe) id: string, @CurrentStaff() staff: StaffPrincipal) {
    await this.privacy.erase(id, staff.id);
  }

  /** Queues one message of an issue template to one contact, through the consent gate (e.g. a test send). */
  @Post('contacts/:id/messages')
  @Roles('staff')
  send(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: SendMessageDto,
    @CurrentStaff() staff: StaffPrincipal,
  ) {
    return this.privacy.sendTemplate(id, dto, staff.id);
  }

  @Post('contacts/:id/confirmation')
  @Roles('staff')
  async confirmation(@Param('id', ParseUUIDPipe) id: string, @Body() dto: ConfirmationDto) {
    return this.confirmations.request(id, dto.channel);
  }

  @Get('retention-rules')
  @Roles('admin')
  rules() {
    return this.privacy.listRules();
  }

  @Put('retention-rules/:source')
  @Roles('admin')
  putRule(
    @Param('source') source: string,
    @Body() dto: RetentionRuleDto,
    @CurrentStaff() staff: StaffPrincipal,
  ) {
    if (!SOURCE.test(source))
      throw new AppError(ErrorCode.BadRequest, 'source must be a short name such as petition-2026');
    return this.privacy.putRule(source, dto.days, dto.after ?? null, staff.id);
  }

  @Delete('retention-rules/:source')
  @Roles('admin')
  @HttpCode(204)
  deleteRule(@Param('source') source: string, @CurrentStaff() staff: StaffPrincipal) {
    return this.privacy.deleteRule(source, staff.id);
  }

  @Post('retention-rules/apply')
  @Roles('admin')
  apply(@CurrentStaff() staff: StaffPrincipal) {
    return this.privacy.applyRetention(staff.id);
  }
}
