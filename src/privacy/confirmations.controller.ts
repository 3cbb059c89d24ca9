import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentStaff, Roles, type StaffPrincipal } from '../common/auth.decorators.js';
import { ApiErrors } from '../common/api-docs.js';
import { ConfirmationReleasesService } from './confirmation-releases.service.js';
import {
  ConfirmationFilterDto,
  ConfirmationReleaseDto,
  ConfirmationReleaseProgressDto,
  PendingConfirmationsDto,
  ReleaseConfirmationsDto,
} from './privacy.dto.js';

/**
 * Double opt-in requests go out when staff decide: counted first, then released for a filtered list of contacts (or
 * one import's), and followed like a wave.
 */
@ApiTags('consent and privacy')
@ApiBearerAuth()
@ApiErrors(401, 403)
@Roles('staff')
@Controller('confirmations')
export class ConfirmationsController {
  constructor(private readonly releases: ConfirmationReleasesService) {}

  @Get('pending')
  @ApiOperation({ summary: 'Count the people a release would ask to confirm now, per channel' })
  @ApiOkResponse({ type: PendingConfirmationsDto })
  @ApiErrors(422)
  pending(@Query() filter: ConfirmationFilterDto) {
    return this.releases.pending(filter);
  }

  @Post('releases')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Ask everyone the filter selects who is waiting for a double opt-in request (once each)',
  })
  @ApiOkResponse({ type: ConfirmationReleaseDto })
  @ApiErrors({ 409: 'More people would be asked than the count the person was shown (`expected`)' }, 422)
  release(@CurrentStaff() staff: StaffPrincipal, @Body() dto: ReleaseConfirmationsDto) {
    return this.releases.release(staff, dto);
  }

  @Get('releases/:id')
  @ApiOperation({ summary: "A release's progress: its requests by status, rate, failures and skips" })
  @ApiOkResponse({ type: ConfirmationReleaseProgressDto })
  @ApiErrors(400, 404)
  progress(@Param('id', ParseUUIDPipe) id: string) {
    return this.releases.progress(id);
  }
}
