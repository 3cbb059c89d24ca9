import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Put } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentStaff, Roles, type StaffPrincipal } from '../auth/auth.decorators.js';
import {
  CreateSegmentationDto,
  SegmentationRunDto,
  SegmentDto,
  UpdateSegmentDto,
} from './segmentation.dto.js';
import { DecideMatchDto } from '../templates/templates.dto.js';
import { MatchesService } from './matches.service.js';
import { SegmentationService } from './segmentation.service.js';

@ApiTags('segmentation')
@ApiBearerAuth()
/** Strategists write; staff read what a wave needs (runs, segments, matches, templates). */
@Roles('strategist')
@Controller()
export class SegmentationController {
  constructor(
    private readonly segmentation: SegmentationService,
    private readonly matches: MatchesService,
  ) {}

  @Post('segmentations')
  @ApiCreatedResponse({ type: SegmentationRunDto })
  @ApiBadRequestResponse({
    description: 'Unknown features, k out of range, no regions, a feature without variance',
  })
  create(@CurrentStaff() staff: StaffPrincipal, @Body() dto: CreateSegmentationDto) {
    return this.segmentation.create(dto, staff.id);
  }

  @Get('segmentations')
  @Roles('strategist', 'staff')
  @ApiOkResponse({ description: 'Runs, newest first' })
  list() {
    return this.segmentation.list();
  }

  @Get('segmentations/:id')
  @Roles('strategist', 'staff')
  @ApiOkResponse({ type: SegmentationRunDto })
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.segmentation.get(id);
  }

  @Get('segmentations/:id/compare/:otherId')
  @Roles('strategist', 'staff')
  @ApiOkResponse({ description: '{ ari, regions, moved: [{ code, name, from, to }] }' })
  compare(@Param('id', ParseUUIDPipe) id: string, @Param('otherId', ParseUUIDPipe) otherId: string) {
    return this.segmentation.compare(id, otherId);
  }

  @Patch('segments/:id')
  @ApiOkResponse({ type: SegmentDto })
  update(
    @CurrentStaff() staff: StaffPrincipal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateSegmentDto,
  ) {
    return this.segmentation.update(id, dto, staff.id);
  }

  @Get('segmentations/:id/matches')
  @Roles('strategist', 'staff')
  @ApiOkResponse({
    description:
      'Per segment: every template scored (Σ weight × z) with its reasons, the proposal (null: no clear match, ' +
      'the best scores below MATCH_MIN_SCORE), whether approved-match waves wait for a hand choice, and the decision',
  })
  matrix(@Param('id', ParseUUIDPipe) id: string) {
    return this.matches.matrix(id);
  }

  @Put('segmentations/:id/matches/:segmentId')
  @ApiOkResponse({
    description:
      'The stored decision (approve = the proposal; anything else, or any choice where there is no clear match, is ' +
      'chosen by hand: overridden)',
  })
  decide(
    @CurrentStaff() staff: StaffPrincipal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('segmentId', ParseUUIDPipe) segmentId: string,
    @Body() dto: DecideMatchDto,
  ) {
    return this.matches.decide(id, segmentId, dto.templateKey, staff.id, dto.comment);
  }
}
