import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiPayloadTooLargeResponse,
  ApiTags,
} from '@nestjs/swagger';
import { rm } from 'node:fs/promises';
import { CurrentStaff, Roles, type StaffPrincipal } from '../auth/auth.decorators.js';
import { AppError, ErrorCode } from '../common/errors.js';
import { PageQuery } from '../common/pagination.js';
import { CONTACT_FIELDS } from '../contacts/contact-row.js';
import { CreateImportDto, ImportJobDto } from './imports.dto.js';
import { ImportsService } from './imports.service.js';

function parseMapping(raw: string | undefined): Record<string, string> | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new AppError(
      ErrorCode.InvalidInput,
      'mapping must be a JSON object such as {"email":"Mail-Adresse"}',
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AppError(
      ErrorCode.InvalidInput,
      'mapping must be a JSON object such as {"email":"Mail-Adresse"}',
    );
  }
  const unknown = Object.keys(parsed).filter((k) => !(k in CONTACT_FIELDS));
  if (unknown.length) {
    throw new AppError(ErrorCode.InvalidInput, `unknown fields in mapping: ${unknown.join(', ')}`, {
      known: Object.keys(CONTACT_FIELDS),
    });
  }
  if (Object.values(parsed).some((v) => typeof v !== 'string')) {
    throw new AppError(ErrorCode.InvalidInput, 'mapping values must be column names (strings)');
  }
  return parsed as Record<string, string>;
}

@ApiTags('imports')
@ApiBearerAuth()
@Roles('strategist', 'staff')
@Controller('imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  @Post()
  @HttpCode(202)
  @UseInterceptors(FileInterceptor('file'))
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: CreateImportDto })
  @ApiAcceptedResponse({ type: ImportJobDto, description: 'Queued; follow it at GET /imports/:id' })
  @ApiPayloadTooLargeResponse({ description: 'The file is larger than MAX_UPLOAD_BYTES' })
  async create(
    @CurrentStaff() staff: StaffPrincipal,
    @Body() dto: CreateImportDto,
    @UploadedFile() file?: Express.Multer.File,
  ) {
    if (!file)
      throw new AppError(
        ErrorCode.InvalidInput,
        'file is missing: send the CSV as the multipart field "file"',
      );
    try {
      const mapping = parseMapping(dto.mapping);
      return await this.imports.start(staff, dto.kind, file.path, file.originalname, {
        mapping,
        purpose: dto.purpose,
        source: dto.source,
        encoding: dto.encoding,
      });
    } catch (e) {
      await rm(file.path, { force: true });
      throw e;
    }
  }

  @Get()
  @ApiOkResponse({ type: [ImportJobDto], description: 'Paginated, newest first' })
  list(@CurrentStaff() staff: StaffPrincipal, @Query() query: PageQuery) {
    return this.imports.list(staff, query.page, query.perPage);
  }

  @Get(':id')
  @ApiOkResponse({ type: ImportJobDto })
  get(@CurrentStaff() staff: StaffPrincipal, @Param('id', ParseUUIDPipe) id: string) {
    return this.imports.get(staff, id);
  }
}
