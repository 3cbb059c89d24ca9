import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/auth.decorators.js';
import { ApiErrors } from '../common/api-docs.js';
import { PageDto } from '../common/pagination.js';
import { ContactDto, ContactQuery } from './contacts.dto.js';
import { ContactsService } from './contacts.service.js';

@ApiTags('contacts')
@ApiBearerAuth()
@ApiErrors(401, 403)
@Roles('staff')
@Controller('contacts')
export class ContactsController {
  constructor(private readonly contacts: ContactsService) {}

  @Get()
  @ApiOperation({
    summary:
      'List contacts: search by name, email, phone or postal code; filter by region, segment, language or consent',
  })
  @ApiOkResponse({
    type: PageDto(ContactDto),
    description: 'One page of contacts, in the order they were added',
  })
  @ApiErrors(422)
  list(@Query() query: ContactQuery) {
    return this.contacts.list(query);
  }
}
