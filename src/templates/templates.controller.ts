import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentStaff, Roles, type StaffPrincipal } from '../common/auth.decorators.js';
import { ApiErrors } from '../common/api-docs.js';
import {
  CreateTemplateDto,
  PreviewTemplateDto,
  TemplateDto,
  TemplatePreviewDto,
  TemplateVersionDto,
  UpdateTemplateDto,
} from './templates.dto.js';
import { TemplatesService } from './templates.service.js';

const INVALID_TEMPLATE =
  'Unknown placeholders, event values in a campaign template, missing languages or fields, weights on unknown features (details.problems)';

@ApiTags('templates')
@ApiBearerAuth()
@ApiErrors(401, 403)
/** Strategists write; staff read what a wave needs (runs, segments, matches, templates). */
@Roles('strategist')
@Controller('templates')
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Get()
  @Roles('strategist', 'staff')
  @ApiOperation({ summary: 'List the issue templates' })
  @ApiOkResponse({ type: [TemplateDto], description: 'Every template, by key' })
  list() {
    return this.templates.list();
  }

  @Get(':key')
  @Roles('strategist', 'staff')
  @ApiOperation({ summary: 'Show one issue template' })
  @ApiOkResponse({ type: TemplateDto })
  @ApiErrors(404)
  get(@Param('key') key: string) {
    return this.templates.get(key);
  }

  @Get(':key/versions')
  @Roles('strategist', 'staff')
  @ApiOperation({ summary: 'List the versions of an issue template' })
  @ApiOkResponse({ type: [TemplateVersionDto], description: 'Newest first' })
  @ApiErrors(404)
  versions(@Param('key') key: string) {
    return this.templates.versions(key);
  }

  @Post()
  @ApiOperation({ summary: 'Add an issue template' })
  @ApiCreatedResponse({ type: TemplateDto })
  @ApiErrors({ 400: INVALID_TEMPLATE, 409: 'A template with this key exists' }, 422)
  create(@CurrentStaff() staff: StaffPrincipal, @Body() dto: CreateTemplateDto) {
    return this.templates.create(dto, staff.id);
  }

  @Post('preview')
  @Roles('strategist', 'staff')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Check and render a draft of a template, as the editor shows it, without saving it',
  })
  @ApiOkResponse({ type: TemplatePreviewDto })
  @ApiErrors(400, 422)
  preview(@Body() dto: PreviewTemplateDto) {
    return this.templates.preview(dto);
  }

  @Put(':key')
  @ApiOperation({ summary: 'Edit an issue template (a new version)' })
  @ApiOkResponse({ type: TemplateDto })
  @ApiErrors({ 400: INVALID_TEMPLATE }, 404, 422)
  update(@CurrentStaff() staff: StaffPrincipal, @Param('key') key: string, @Body() dto: UpdateTemplateDto) {
    return this.templates.update(key, dto, staff.id);
  }
}
