import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/auth.decorators.js';
import { ApiErrors } from '../common/api-docs.js';
import { PageDto } from '../common/pagination.js';
import { AuditEntryDto, AuditQuery } from './audit.dto.js';
import { AuditService } from './audit.service.js';

@ApiTags('audit')
@ApiBearerAuth()
@Roles()
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({ summary: 'Read the audit log, newest first, filtered by who, what, which thing and when' })
  @ApiOkResponse({ type: PageDto(AuditEntryDto) })
  @ApiErrors(401, 403, 422)
  list(@Query() query: AuditQuery) {
    return this.audit.search(query);
  }
}
