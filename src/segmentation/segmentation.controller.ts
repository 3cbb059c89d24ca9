import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentStaff, Roles, type StaffPrincipal } from '../common/auth.decorators.js';
import { ApiErrors } from '../common/api-docs.js';
import {
  CreateSegmentationDto,
  MatchDecisionDto,
  MatchMatrixDto,
  PresetsDto,
  PresetsQuery,
  ProfileMatrixDto,
  SegmentationComparisonDto,
  SegmentationRunDto,
  SegmentationRunSummaryDto,
  SegmentDto,
  UpdateSegmentDto,
} from './segmentation.dto.js';
import { DecideMatchDto } from '../templates/templates.dto.js';
import { MatchesService } from './matches.service.js';
import { SegmentationService } from './segmentation.service.js';

@ApiTags('segmentation')
@ApiBearerAuth()
@ApiErrors(401, 403)
/** Strategists write; staff read what a wave needs (runs, segments, matches, templates). */
@Roles('strategist')
@Controller()
export class SegmentationController {
  constructor(
    private readonly segmentation: SegmentationService,
    private readonly matches: MatchesService,
  ) {}

  @Post('segmentations')
  @ApiOperation({ summary: 'Cluster regions (or contacts) into segments and profile them' })
  @ApiCreatedResponse({ type: SegmentationRunDto })
  @ApiErrors(
    { 400: 'Unknown features, k out of range, no regions, a feature without variance (details.refused)' },
    422,
  )
  create(@CurrentStaff() staff: StaffPrincipal, @Body() dto: CreateSegmentationDto) {
    return this.segmentation.create(dto, staff.id);
  }

  @Get('segmentations')
  @Roles('strategist', 'staff')
  @ApiOperation({ summary: 'List the segmentation runs' })
  @ApiOkResponse({ type: [SegmentationRunSummaryDto], description: 'Runs, newest first' })
  list() {
    return this.segmentation.list();
  }

  @Get('segmentations/presets')
  @Roles('strategist', 'staff')
  @ApiOperation({
    summary:
      'The named feature sets a run can start from, each available or not on a set (with the features it lacks), and the features scaled by log by default',
  })
  @ApiOkResponse({ type: PresetsDto })
  @ApiErrors(404)
  presets(@Query() query: PresetsQuery) {
    return this.segmentation.presets(query.set);
  }

  @Get('segmentations/:id')
  @Roles('strategist', 'staff')
  @ApiOperation({ summary: 'Show a segmentation run with its segments' })
  @ApiOkResponse({ type: SegmentationRunDto })
  @ApiErrors(400, 404)
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.segmentation.get(id);
  }

  @Get('segmentations/:id/profile')
  @Roles('strategist', 'staff')
  @ApiOperation({ summary: "A run's segments × features: means in real units and standard scores" })
  @ApiOkResponse({ type: ProfileMatrixDto })
  @ApiErrors(400, 404)
  profile(@Param('id', ParseUUIDPipe) id: string) {
    return this.segmentation.profile(id);
  }

  @Get('segmentations/:id/compare/:otherId')
  @Roles('strategist', 'staff')
  @ApiOperation({ summary: 'Compare two runs: how far they agree and which members moved' })
  @ApiOkResponse({ type: SegmentationComparisonDto })
  @ApiErrors({ 400: 'A malformed id, or runs over different targets or region sets' }, 404)
  compare(@Param('id', ParseUUIDPipe) id: string, @Param('otherId', ParseUUIDPipe) otherId: string) {
    return this.segmentation.compare(id, otherId);
  }

  @Patch('segments/:id')
  @ApiOperation({ summary: 'Name a segment or add notes to it' })
  @ApiOkResponse({ type: SegmentDto })
  @ApiErrors(400, 404, 422)
  update(
    @CurrentStaff() staff: StaffPrincipal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateSegmentDto,
  ) {
    return this.segmentation.update(id, dto, staff.id);
  }

  @Get('segmentations/:id/matches')
  @Roles('strategist', 'staff')
  @ApiOperation({ summary: 'Which template fits which segment: scores, reasons, proposals and decisions' })
  @ApiOkResponse({
    type: MatchMatrixDto,
    description:
      'Per segment: every template scored (Σ weight × z) with its reasons, the proposal (null: no clear match, ' +
      'the best scores below MATCH_MIN_SCORE), whether approved-match waves wait for a hand choice, and the decision',
  })
  @ApiErrors(400, 404)
  matrix(@Param('id', ParseUUIDPipe) id: string) {
    return this.matches.matrix(id);
  }

  @Put('segmentations/:id/matches/:segmentId')
  @ApiOperation({ summary: "Approve or override a segment's template" })
  @ApiOkResponse({
    type: MatchDecisionDto,
    description:
      'The stored decision (approve = the proposal; anything else, or any choice where there is no clear match, is ' +
      'chosen by hand: overridden)',
  })
  @ApiErrors({ 400: 'A malformed id, or no template with this key' }, 404, 422)
  decide(
    @CurrentStaff() staff: StaffPrincipal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('segmentId', ParseUUIDPipe) segmentId: string,
    @Body() dto: DecideMatchDto,
  ) {
    return this.matches.decide(id, segmentId, dto.templateKey, staff.id, dto.comment);
  }
}
