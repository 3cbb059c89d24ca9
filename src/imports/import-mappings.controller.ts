import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentStaff, Roles, type StaffPrincipal } from '../common/auth.decorators.js';
import { ApiErrors } from '../common/api-docs.js';
import { AppError, ErrorCode } from '../common/errors.js';
import { ImportMappingsService } from './import-mappings.service.js';
import { ImportMappingDto, MAPPING_NAME, PutImportMappingDto } from './imports.dto.js';

const checkName = (name: string) => {
  if (!MAPPING_NAME.test(name))
    throw new AppError(ErrorCode.BadRequest, 'A mapping’s name is a short name such as civicrm-export');
  return name;
};

@ApiTags('imports')
@ApiBearerAuth()
@ApiErrors(401)
@Roles('strategist', 'staff')
@Controller('import-mappings')
export class ImportMappingsController {
  constructor(private readonly mappings: ImportMappingsService) {}

  @Get()
  @ApiOperation({ summary: 'The saved mappings (contacts mappings only for roles that may read contacts)' })
  @ApiOkResponse({ type: [ImportMappingDto], description: 'By kind and name' })
  list(@CurrentStaff() staff: StaffPrincipal) {
    return this.mappings.list(staff);
  }

  @Put(':name')
  @ApiOperation({ summary: 'Save a mapping under a name, or replace the one saved under it' })
  @ApiOkResponse({ type: ImportMappingDto })
  @ApiErrors(
    { 400: 'The name is not a short name', 403: 'The role may not import this kind of file' },
    { 422: 'Invalid input, or a mapping with an unknown key or two keys on one column' },
  )
  put(@CurrentStaff() staff: StaffPrincipal, @Param('name') name: string, @Body() dto: PutImportMappingDto) {
    return this.mappings.put(staff, checkName(name), dto.kind, dto.mapping);
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a saved mapping' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors({ 403: 'The role may not import this kind of file' }, 404)
  remove(@CurrentStaff() staff: StaffPrincipal, @Param('name') name: string) {
    return this.mappings.remove(staff, name);
  }
}
