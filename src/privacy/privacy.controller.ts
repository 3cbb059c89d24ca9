import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuditService } from '../audit/audit.service.js';
import { CurrentStaff, Roles, type StaffPrincipal } from '../auth/auth.decorators.js';
import { AppError, ErrorCode } from '../common/errors.js';
import { ConsentService } from '../consent/consent.service.js';
import { describeConsentEvent } from '../consent/consent.js';
import { ConfirmationService } from '../messaging/confirmation.service.js';
import { MessagingService } from '../messaging/messaging.service.js';
import { ConfirmationDto, RecordConsentDto, RetentionRuleDto, SendMessageDto } from './privacy.dto.js';
import { PrivacyService } from './privacy.service.js';

const SOURCE = /^[\w.-]{1,100}$/;

@ApiTags('consent and privacy')
@ApiBearerAuth()
@Controller()
export class PrivacyController {
  constructor(
    private readonly consent: ConsentService,
    private readonly privacy: PrivacyService,
    private readonly messaging: MessagingService,
    private readonly confirmations: ConfirmationService,
    private readonly audit: AuditService,
  ) {}

  @Get('contacts/:id/consent')
  @Roles('staff')
  async history(@Param('id', ParseUUIDPipe) id: string) {
    const events = await this.consent.history(id);
    return {
      states: await this.consent.states(id),
      events: events.map((e) => ({ ...e, description: describeConsentEvent(e) })),
    };
  }

  /** A consent given outside the product (a paper form, a phone call), with its evidence. */
  @Post('contacts/:id/consent')
  @Roles('admin')
  async record(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: RecordConsentDto,
    @CurrentStaff() staff: StaffPrincipal,
  ) {
    const changed = await this.consent.change(id, dto.channel, dto.purposes, dto.action, {
      source: 'admin',
      staffUserId: staff.id,
      occurredAt: dto.occurredAt,
      textVersion: dto.textVersion,
      details: { evidence: dto.evidence },
    });
    await this.audit.record(staff.id, 'consent.record', 'contact', id, { ...dto, changed });
    return { changed, states: await this.consent.states(id) };
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
  async send(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: SendMessageDto,
    @CurrentStaff() staff: StaffPrincipal,
  ) {
    const result = await this.messaging.enqueueTemplate(id, dto.channel, dto.purpose, dto.template);
    await this.audit.record(staff.id, 'message.send', 'contact', id, { ...dto, queued: result.queued });
    return result;
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
