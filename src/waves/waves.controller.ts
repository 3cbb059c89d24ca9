import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentStaff, Roles, type StaffPrincipal } from '../auth/auth.decorators.js';
import { CreateEventDto, CreateWaveDto, MessagesQuery } from './waves.dto.js';
import { WavesService } from './waves.service.js';

@ApiTags('waves')
@ApiBearerAuth()
@Controller()
export class WavesController {
  constructor(private readonly waves: WavesService) {}

  @Post('waves')
  @Roles('staff')
  create(@Body() dto: CreateWaveDto, @CurrentStaff() staff: StaffPrincipal) {
    return this.waves.create(dto, staff.id);
  }

  @Get('waves')
  @Roles('staff', 'strategist')
  list() {
    return this.waves.list();
  }

  @Get('waves/:id')
  @Roles('staff', 'strategist')
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.waves.get(id);
  }

  /** The dry run: audience, every exclusion step, the final count per segment, template and language, samples. */
  @Post('waves/:id/preview')
  @Roles('staff', 'strategist')
  @HttpCode(200)
  preview(@Param('id', ParseUUIDPipe) id: string) {
    return this.waves.preview(id);
  }

  @Post('waves/:id/launch')
  @Roles('staff')
  @HttpCode(200)
  launch(@Param('id', ParseUUIDPipe) id: string, @CurrentStaff() staff: StaffPrincipal) {
    return this.waves.launch(id, staff.id);
  }

  @Post('waves/:id/pause')
  @Roles('staff')
  @HttpCode(200)
  pause(@Param('id', ParseUUIDPipe) id: string, @CurrentStaff() staff: StaffPrincipal) {
    return this.waves.pause(id, staff.id);
  }

  @Post('waves/:id/resume')
  @Roles('staff')
  @HttpCode(200)
  resume(@Param('id', ParseUUIDPipe) id: string, @CurrentStaff() staff: StaffPrincipal) {
    return this.waves.resume(id, staff.id);
  }

  @Post('waves/:id/cancel')
  @Roles('staff')
  @HttpCode(200)
  cancel(@Param('id', ParseUUIDPipe) id: string, @CurrentStaff() staff: StaffPrincipal) {
    return this.waves.cancel(id, staff.id);
  }

  @Get('waves/:id/messages')
  @Roles('staff')
  messages(@Param('id', ParseUUIDPipe) id: string, @Query() query: MessagesQuery) {
    return this.waves.messages(id, query.status, query.page, query.perPage);
  }

  @Post('events')
  @Roles('staff')
  createEvent(@Body() dto: CreateEventDto, @CurrentStaff() staff: StaffPrincipal) {
    return this.waves.createEvent(dto, staff.id);
  }

  @Get('events')
  @Roles('staff', 'strategist')
  events() {
    return this.waves.listEvents();
  }

  @Get('events/:id')
  @Roles('staff', 'strategist')
  event(@Param('id', ParseUUIDPipe) id: string) {
    return this.waves.getEvent(id);
  }
}
