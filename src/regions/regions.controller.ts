import { Body, Controller, Get, Param, ParseUUIDPipe, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentStaff, Roles, type StaffPrincipal } from '../auth/auth.decorators.js';
import {
  ChooseCurrentSetDto,
  CompareEditionsQuery,
  FeatureDto,
  RegionDto,
  RegionQuery,
  RegionSetDto,
} from './regions.dto.js';
import { RegionsService } from './regions.service.js';

@ApiTags('regions')
@ApiBearerAuth()
@Roles('strategist', 'staff')
@Controller()
export class RegionsController {
  constructor(private readonly regions: RegionsService) {}

  @Get('regions')
  @ApiOkResponse({ type: [RegionDto], description: 'Paginated: { items, total, page, perPage }' })
  list(@Query() query: RegionQuery) {
    return this.regions.list(query);
  }

  @Get('regions/:id')
  @ApiOkResponse({ type: RegionDto })
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.regions.get(id);
  }

  @Get('features')
  @ApiOkResponse({ type: [FeatureDto] })
  features() {
    return this.regions.features();
  }

  @Get('region-sets')
  @ApiOkResponse({ type: [RegionSetDto] })
  sets() {
    return this.regions.sets();
  }

  @Get('region-sets/compare')
  @ApiOkResponse({
    description:
      '{ feature, from: { set, date }, to, unchangedCount, changedCount, unchanged: [{ code, name, from, to, difference }], changed: [{ code, before, after, why }] }',
  })
  compare(@Query() query: CompareEditionsQuery) {
    return this.regions.compare(query);
  }

  @Put('region-sets/current')
  @Roles('strategist')
  @ApiOkResponse({ description: '{ level, current, change: { from, to, contacts } | null }' })
  chooseCurrent(@Body() dto: ChooseCurrentSetDto, @CurrentStaff() staff: StaffPrincipal) {
    return this.regions.chooseCurrent(dto.set, staff.id);
  }
}
