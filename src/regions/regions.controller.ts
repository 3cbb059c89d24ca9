import { Body, Controller, Get, Headers, Param, ParseUUIDPipe, Put, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentStaff, Roles, type StaffPrincipal } from '../common/auth.decorators.js';
import { ApiErrors } from '../common/api-docs.js';
import { PageDto } from '../common/pagination.js';
import {
  ChooseCurrentSetDto,
  CompareEditionsDto,
  CompareEditionsQuery,
  CurrentSetDto,
  FeatureDto,
  GeometryQuery,
  RegionDto,
  RegionQuery,
  RegionSetDto,
  TopologyDto,
} from './regions.dto.js';
import { RegionsService } from './regions.service.js';

@ApiTags('regions')
@ApiBearerAuth()
@Roles('strategist', 'staff')
@Controller()
export class RegionsController {
  constructor(private readonly regions: RegionsService) {}

  @Get('regions')
  @ApiOperation({ summary: 'Regions of one set, or of the current sets, with their latest values' })
  @ApiOkResponse({ type: PageDto(RegionDto) })
  list(@Query() query: RegionQuery) {
    return this.regions.list(query);
  }

  @Get('regions/:id')
  @ApiOperation({ summary: 'One region with its parent, set and latest values' })
  @ApiOkResponse({ type: RegionDto })
  @ApiErrors(404)
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.regions.get(id);
  }

  @Get('features')
  @ApiOperation({ summary: 'The feature catalogue, with the days each feature has values for' })
  @ApiOkResponse({ type: [FeatureDto] })
  features() {
    return this.regions.features();
  }

  @Get('region-sets')
  @ApiOperation({ summary: 'The region sets: levels and editions, which is current' })
  @ApiOkResponse({ type: [RegionSetDto] })
  sets() {
    return this.regions.sets();
  }

  @Get('region-sets/compare')
  @ApiOperation({ summary: 'One feature in two editions, for the regions whose boundaries did not change' })
  @ApiOkResponse({ type: CompareEditionsDto })
  @ApiErrors(400, 404)
  compare(@Query() query: CompareEditionsQuery) {
    return this.regions.compare(query);
  }

  @Put('region-sets/current')
  @Roles('strategist')
  @ApiOperation({
    summary: "Choose a level's current set; its contacts are re-assigned and the move reported",
  })
  @ApiOkResponse({ type: CurrentSetDto })
  @ApiErrors(404, {
    409: 'Contacts would be left without a region (details.change has the counts): pass allowUnassigned',
  })
  chooseCurrent(@Body() dto: ChooseCurrentSetDto, @CurrentStaff() staff: StaffPrincipal) {
    return this.regions.chooseCurrent(dto.set, staff.id, dto.allowUnassigned ?? false);
  }

  @Get('geometry')
  @ApiOperation({
    summary: 'The shapes of a region set for a map, as TopoJSON',
    description:
      'Simplified once at import for display; one geometry per region with its id, code and name. Send the ETag ' +
      'back in If-None-Match to get 304 while the shapes are unchanged.',
  })
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'The ETag of the copy the caller holds' })
  @ApiOkResponse({
    type: TopologyDto,
    description: 'The TopoJSON document: one GeometryCollection `regions`',
    headers: {
      ETag: { description: 'Changes exactly when the document does', schema: { type: 'string' } },
      'Cache-Control': {
        description: 'private, no-cache: keep it, but ask again',
        schema: { type: 'string' },
      },
    },
  })
  @ApiResponse({ status: 304, description: 'Not modified: the copy named in If-None-Match is current' })
  @ApiNotFoundResponse({ description: 'No such set, or the set has no geometry yet' })
  async geometry(
    @Query() query: GeometryQuery,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() res: Response,
  ) {
    const { etag, topology } = await this.regions.geometry(query.set, ifNoneMatch);
    res.set({ ETag: etag, 'Cache-Control': 'private, no-cache' });
    if (topology) res.json(topology);
    else res.status(304).end();
  }
}
