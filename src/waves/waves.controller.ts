import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentStaff, Roles, type StaffPrincipal } from '../common/auth.decorators.js';
import { ApiErrors } from '../common/api-docs.js';
import { PageDto } from '../common/pagination.js';
import {
  ApproveWaveDto,
  TemplateUsesDto,
  CreateWaveDto,
  MessagesQuery,
  UpdateWaveDto,
  WaveDetailDto,
  WaveDto,
  WaveMessageDto,
  WaveMonitorDto,
  WavePreviewDto,
  WavesQuery,
} from './waves.dto.js';
import { WaveMonitor } from './monitor.service.js';
import { CampaignResultsDto, WaveResultsDto } from './results.dto.js';
import { CampaignResults } from './campaign-results.service.js';
import { WaveResults } from './results.service.js';
import { WavePreview } from './wave-preview.js';
import { WavesService } from './waves.service.js';
import { WaveRevisions } from './wave-revisions.js';

const NOT_NOW =
  'The wave cannot do this in its current status, or its segments are of a region set no longer current';

@ApiTags('waves')
@ApiBearerAuth()
@ApiErrors(401, 403)
@Controller()
export class WavesController {
  constructor(
    private readonly waves: WavesService,
    private readonly previews: WavePreview,
    private readonly monitor: WaveMonitor,
    private readonly revisions: WaveRevisions,
    private readonly resultsOf: WaveResults,
    private readonly campaign: CampaignResults,
  ) {}

  @Post('waves')
  @Roles('staff')
  @ApiOperation({ summary: 'Create a draft wave' })
  @ApiCreatedResponse({ type: WaveDto })
  @ApiErrors({ 400: 'Every problem of the definition at once (details.problems)' }, 422)
  create(@Body() dto: CreateWaveDto, @CurrentStaff() staff: StaffPrincipal) {
    return this.waves.create(dto, staff.id);
  }

  @Get('waves')
  @Roles('staff', 'strategist')
  @ApiOperation({ summary: 'List the waves' })
  @ApiOkResponse({ type: [WaveDto], description: 'The latest 500, newest first' })
  @ApiErrors(422)
  list(@Query() query: WavesQuery, @CurrentStaff() staff: StaffPrincipal) {
    return this.waves.list(query.awaiting, staff);
  }

  @Get('waves/:id')
  @Roles('staff', 'strategist')
  @ApiOperation({ summary: 'Show a wave with its progress' })
  @ApiOkResponse({ type: WaveDetailDto })
  @ApiErrors(400, 404)
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.waves.get(id);
  }

  @Patch('waves/:id')
  @Roles('staff')
  @ApiOperation({ summary: 'Change a draft wave; a change withdraws its approval' })
  @ApiOkResponse({ type: WaveDetailDto })
  @ApiErrors(
    { 400: 'A malformed id, or every problem of the changed definition at once (details.problems)' },
    404,
    { 409: 'The wave is no longer a draft' },
    422,
  )
  update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateWaveDto,
    @CurrentStaff() staff: StaffPrincipal,
  ) {
    return this.waves.update(id, dto, staff.id);
  }

  /** Cheap enough to poll every few seconds: it reads the wave's counters, not its ledger rows. */
  @Get('waves/:id/progress')
  @Roles('staff', 'strategist')
  @ApiOperation({
    summary: "A wave's live progress: counts, the rate over time, errors by code, expected end",
  })
  @ApiOkResponse({ type: WaveMonitorDto })
  @ApiErrors(400, 404)
  progress(@Param('id', ParseUUIDPipe) id: string) {
    return this.monitor.progress(id);
  }

  @Get('segmentations/:id/results')
  @ApiTags('segmentation')
  @Roles('staff', 'strategist')
  @ApiOperation({
    summary:
      'Which issue worked where: per segment × issue over all the launched waves of a segmentation, with rates and 95 % intervals',
  })
  @ApiOkResponse({ type: CampaignResultsDto })
  @ApiErrors(400, 404)
  campaignResults(@Param('id', ParseUUIDPipe) id: string, @CurrentStaff() staff: StaffPrincipal) {
    return this.campaign.of(id, staff.role);
  }

  @Get('waves/:id/results')
  @Roles('staff', 'strategist')
  @ApiOperation({
    summary:
      "A wave's results per segment, template, version and language: counts, rates with 95 % intervals, over time",
  })
  @ApiOkResponse({ type: WaveResultsDto })
  @ApiErrors(400, 404)
  results(@Param('id', ParseUUIDPipe) id: string, @CurrentStaff() staff: StaffPrincipal) {
    return this.resultsOf.results(id, staff.role);
  }

  @Get('waves/:id/results.csv')
  @Roles('staff', 'strategist')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @Header('Content-Disposition', 'attachment; filename="wave-results.csv"')
  @ApiProduces('text/csv')
  @ApiOperation({ summary: "A wave's results per group as CSV, safe to open in a spreadsheet" })
  @ApiOkResponse({
    schema: { type: 'string' },
    description: 'One row per group, small groups withheld as in the JSON',
  })
  @ApiErrors(400, 404)
  resultsCsv(@Param('id', ParseUUIDPipe) id: string, @CurrentStaff() staff: StaffPrincipal) {
    return this.resultsOf.csv(id, staff.role);
  }

  /** The dry run: audience, every exclusion step, the final count per segment, template and language, samples. */
  @Post('waves/:id/preview')
  @Roles('staff', 'strategist')
  @HttpCode(200)
  @ApiOperation({ summary: 'Dry run: who would get what, and why the others would not' })
  @ApiOkResponse({ type: WavePreviewDto })
  @ApiErrors(400, 404, { 409: NOT_NOW })
  preview(@Param('id', ParseUUIDPipe) id: string) {
    return this.previews.preview(id);
  }

  @Post('waves/:id/approve')
  @Roles('strategist')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Approve the revision of a wave its approver saw (needed above APPROVAL_THRESHOLD recipients)',
  })
  @ApiOkResponse({ type: WaveDetailDto })
  @ApiErrors(
    400,
    404,
    {
      409:
        'The approver created or changed the wave, or its ledger is already written; or the wave is no longer at ' +
        'the revision the approver saw (the message and details.changes name what changed)',
    },
    422,
  )
  approve(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ApproveWaveDto,
    @CurrentStaff() staff: StaffPrincipal,
  ) {
    return this.waves.approve(id, staff.id, dto.revision);
  }

  @Post('waves/:id/launch')
  @Roles('staff')
  @HttpCode(200)
  @ApiOperation({ summary: 'Launch a draft wave (or schedule it, when it has a start time)' })
  @ApiOkResponse({ type: WaveDetailDto })
  @ApiErrors(400, 404, {
    409:
      NOT_NOW +
      '; or it would reach more than APPROVAL_THRESHOLD people without an approval of its revision now, or more ' +
      'than APPROVAL_TOLERANCE above the count approved, or the launcher approved it',
  })
  launch(@Param('id', ParseUUIDPipe) id: string, @CurrentStaff() staff: StaffPrincipal) {
    return this.waves.launch(id, staff.id);
  }

  @Post('waves/:id/pause')
  @Roles('staff')
  @HttpCode(200)
  @ApiOperation({ summary: 'Pause a sending or scheduled wave' })
  @ApiOkResponse({ type: WaveDetailDto })
  @ApiErrors(400, 404, { 409: NOT_NOW })
  pause(@Param('id', ParseUUIDPipe) id: string, @CurrentStaff() staff: StaffPrincipal) {
    return this.waves.pause(id, staff.id);
  }

  @Post('waves/:id/resume')
  @Roles('staff')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a paused wave' })
  @ApiOkResponse({ type: WaveDetailDto })
  @ApiErrors(400, 404, { 409: NOT_NOW })
  resume(@Param('id', ParseUUIDPipe) id: string, @CurrentStaff() staff: StaffPrincipal) {
    return this.waves.resume(id, staff.id);
  }

  @Post('waves/:id/cancel')
  @Roles('staff')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a wave: messages still waiting are skipped' })
  @ApiOkResponse({ type: WaveDetailDto })
  @ApiErrors(400, 404, { 409: NOT_NOW })
  cancel(@Param('id', ParseUUIDPipe) id: string, @CurrentStaff() staff: StaffPrincipal) {
    return this.waves.cancel(id, staff.id);
  }

  @Get('waves/:id/messages')
  @Roles('staff')
  @ApiOperation({ summary: "List a wave's messages, optionally of one status" })
  @ApiOkResponse({ type: PageDto(WaveMessageDto), description: 'One page, in the order they were queued' })
  @ApiErrors(400, 404, 422)
  messages(@Param('id', ParseUUIDPipe) id: string, @Query() query: MessagesQuery) {
    return this.waves.messages(id, query.status, query.page, query.perPage);
  }

  /** Here rather than with the templates: the waves and matches that use a template are above them. */
  @Get('templates/:key/uses')
  @ApiTags('templates')
  @Roles('staff', 'strategist')
  @ApiOperation({
    summary:
      'Where a template is decided: matches approved at an older version, and the waves not yet launched that send it',
  })
  @ApiOkResponse({ type: TemplateUsesDto })
  @ApiErrors(404)
  uses(@Param('key') key: string) {
    return this.revisions.usesOf(key);
  }
}
