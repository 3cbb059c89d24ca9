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
  ApiOperation,
  ApiOkResponse,
  ApiPayloadTooLargeResponse,
  ApiTags,
} from '@nestjs/swagger';
import { rm } from 'node:fs/promises';
import { CurrentStaff, Roles, type StaffPrincipal } from '../common/auth.decorators.js';
import { AppError, ErrorCode } from '../common/errors.js';
import { PageDto, PageQuery } from '../common/pagination.js';
import { ApiErrors } from '../common/api-docs.js';
import { ImportMappingsService } from './import-mappings.service.js';
import { PREVIEW_BYTES, PREVIEW_ROWS } from './import-preview.js';
import { CreateImportDto, ImportJobDto, ImportPreviewDto } from './imports.dto.js';
import { ImportsService } from './imports.service.js';
import { uploadHead } from './upload-head.js';

@ApiTags('imports')
@ApiBearerAuth()
@Roles('strategist', 'staff')
@Controller('imports')
export class ImportsController {
  constructor(
    private readonly imports: ImportsService,
    private readonly mappings: ImportMappingsService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Upload a file to import (regions, results, postcodes, geometry, contacts)' })
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
      const mapping = await this.mappings.forImport(dto.kind, dto.mapping, dto.mappingName);
      return await this.imports.start(
        staff,
        dto.kind,
        file.path,
        file.originalname,
        {
          mapping,
          purpose: dto.purpose,
          source: dto.source,
          encoding: dto.encoding,
          edition: dto.edition,
          codeProperty: dto.codeProperty,
          makeCurrent: dto.makeCurrent === 'true',
          allowUnassigned: dto.allowUnassigned === 'true',
        },
        dto.mappingName,
        dto.sendConfirmations === 'true',
      );
    } catch (e) {
      await rm(file.path, { force: true });
      throw e;
    }
  }

  @Post('preview')
  @HttpCode(200)
  @ApiOperation({
    summary: `Read the beginning of a file as its import would (the first ${PREVIEW_ROWS} rows), writing nothing`,
  })
  @UseInterceptors(FileInterceptor('file', { storage: uploadHead(PREVIEW_BYTES) }))
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: CreateImportDto, description: 'The same form as POST /imports' })
  @ApiOkResponse({ type: ImportPreviewDto })
  @ApiErrors(
    401,
    {
      400: 'The import would reject the file whole (the reason says why), an unknown mappingName, or a geometry file',
      403: 'The role may not import this kind of file',
    },
    422,
  )
  @ApiPayloadTooLargeResponse({ description: 'The file is larger than MAX_UPLOAD_BYTES' })
  async preview(
    @CurrentStaff() staff: StaffPrincipal,
    @Body() dto: CreateImportDto,
    @UploadedFile() file?: Express.Multer.File,
  ) {
    if (!file)
      throw new AppError(
        ErrorCode.InvalidInput,
        'file is missing: send the CSV as the multipart field "file"',
      );
    const mapping = await this.mappings.forImport(dto.kind, dto.mapping, dto.mappingName);
    return this.imports.preview(
      staff,
      dto.kind,
      file,
      { mapping, purpose: dto.purpose, encoding: dto.encoding, edition: dto.edition },
      dto.mappingName ?? null,
    );
  }

  @Get()
  @ApiOperation({ summary: 'Import jobs, newest first' })
  @ApiOkResponse({ type: PageDto(ImportJobDto) })
  list(@CurrentStaff() staff: StaffPrincipal, @Query() query: PageQuery) {
    return this.imports.list(staff, query.page, query.perPage);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One import job: its status, counts, rejected and warned lines' })
  @ApiOkResponse({ type: ImportJobDto })
  get(@CurrentStaff() staff: StaffPrincipal, @Param('id', ParseUUIDPipe) id: string) {
    return this.imports.get(staff, id);
  }
}
