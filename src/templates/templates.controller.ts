import { Body, Controller, Get, Param, Post, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentStaff, Roles, type StaffPrincipal } from '../auth/auth.decorators.js';
import { CreateTemplateDto, UpdateTemplateDto } from './templates.dto.js';
import { TemplatesService } from './templates.service.js';

@ApiTags('templates')
@ApiBearerAuth()
/** Strategists write; staff read what a wave needs (runs, segments, matches, templates). */
@Roles('strategist')
@Controller('templates')
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Get()
  @Roles('strategist', 'staff')
  list() {
    return this.templates.list();
  }

  @Get(':key')
  @Roles('strategist', 'staff')
  get(@Param('key') key: string) {
    return this.templates.get(key);
  }

  @Get(':key/versions')
  @Roles('strategist', 'staff')
  versions(@Param('key') key: string) {
    return this.templates.versions(key);
  }

  @Post()
  @ApiBadRequestResponse({
    description: 'Unknown placeholders, missing languages or fields, weights on unknown features',
  })
  create(@CurrentStaff() staff: StaffPrincipal, @Body() dto: CreateTemplateDto) {
    return this.templates.create(dto, staff.id);
  }

  @Put(':key')
  @ApiBadRequestResponse({ description: 'As for POST' })
  update(@CurrentStaff() staff: StaffPrincipal, @Param('key') key: string, @Body() dto: UpdateTemplateDto) {
    return this.templates.update(key, dto, staff.id);
  }
}
