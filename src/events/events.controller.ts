import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/api-docs.js';
import { CurrentStaff, Roles, type StaffPrincipal } from '../common/auth.decorators.js';
import { CreateEventDto, EventDetailDto, EventDto } from './events.dto.js';
import { EventsService } from './events.service.js';

@ApiTags('events')
@ApiBearerAuth()
@ApiErrors(401, 403)
@Controller()
export class EventsController {
  constructor(private readonly service: EventsService) {}

  @Post('events')
  @Roles('staff')
  @ApiOperation({ summary: 'Create an event, with its reminder waves scheduled at once' })
  @ApiCreatedResponse({ type: EventDetailDto })
  @ApiErrors({ 400: 'A reminder that cannot be made (details.problems)' }, 422)
  createEvent(@Body() dto: CreateEventDto, @CurrentStaff() staff: StaffPrincipal) {
    return this.service.create(dto, staff.id);
  }

  @Get('events')
  @Roles('staff', 'strategist')
  @ApiOperation({ summary: 'List the events' })
  @ApiOkResponse({ type: [EventDto], description: 'By start' })
  events() {
    return this.service.list();
  }

  @Get('events/:id')
  @Roles('staff', 'strategist')
  @ApiOperation({ summary: 'Show an event with its reminder waves' })
  @ApiOkResponse({ type: EventDetailDto })
  @ApiErrors(400, 404)
  event(@Param('id', ParseUUIDPipe) id: string) {
    return this.service.get(id);
  }
}
