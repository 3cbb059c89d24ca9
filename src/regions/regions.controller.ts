import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/auth.decorators.js';
import { FeatureDto, RegionDto, RegionQuery } from './regions.dto.js';
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
}
