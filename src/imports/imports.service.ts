import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { rm } from 'node:fs/promises';
import { In, type DataSource } from 'typeorm';
import { ConfirmationService } from '../messaging/confirmation.service.js';
import { AuditService } from '../audit/audit.service.js';
import type { StaffPrincipal } from '../common/auth.decorators.js';
import { mayReadContacts } from '../common/roles.js';
import { AppError, ErrorCode } from '../common/errors.js';
import { Env } from '../config/config.js';
import type { ImportOptions } from '../csv/import-context.js';
import { IGNORE_KEY, type ColumnMapping } from '../csv/mapping.js';
import { ImportJob, type ImportKind } from './import-job.entity.js';
import { FileRejected } from '../csv/sniff.js';
import { createImportJob, importOptions, runImportJob } from './import-runner.js';
import { PREVIEW_KINDS, previewImport, type PreviewKind } from './import-preview.js';
import { toDto } from './imports.dto.js';

export const IMPORT_ROLES: Record<ImportKind, 'strategist' | 'staff'> = {
  regions: 'strategist',
  results: 'strategist',
  postcodes: 'strategist',
  geometry: 'strategist',
  contacts: 'staff',
};

/** Refuses a person whose role may not import files of this kind. */
export function assertMayImport(staff: StaffPrincipal, kind: ImportKind): void {
  if (staff.role !== 'admin' && IMPORT_ROLES[kind] !== staff.role) {
    throw new AppError(
      ErrorCode.Forbidden,
      `Importing ${kind} needs the role admin or ${IMPORT_ROLES[kind]}`,
    );
  }
}

/** A mapping (our field → the file's column) as given by a person, checked the same for the CLI and HTTP. */
export function parseMapping(raw: string | undefined): ColumnMapping | undefined {
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
  return mappingObject(parsed);
}

/** A mapping given as an object: column names by our field, and under `ignore` the columns to leave unread. */
export function mappingObject(parsed: unknown): ColumnMapping {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AppError(
      ErrorCode.InvalidInput,
      'mapping must be a JSON object such as {"email":"Mail-Adresse"}',
    );
  }
  const columnList = (v: unknown) => Array.isArray(v) && v.every((c) => typeof c === 'string');
  for (const [key, value] of Object.entries(parsed))
    if (typeof value !== 'string' && !(key === IGNORE_KEY && columnList(value)))
      throw new AppError(
        ErrorCode.InvalidInput,
        `mapping values must be column names (strings); "${IGNORE_KEY}" takes a list of them`,
      );
  return parsed as ColumnMapping;
}

const isPreviewKind = (kind: ImportKind): kind is PreviewKind =>
  (PREVIEW_KINDS as readonly string[]).includes(kind);

@Injectable()
export class ImportsService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Imports');
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly env: Env,
    private readonly confirmations: ConfirmationService,
  ) {}

  /** Jobs a previous process left unfinished wrote nothing (one transaction each): say so. */
  async onApplicationBootstrap() {
    await this.db
      .getRepository(ImportJob)
      .update(
        { status: In(['queued', 'running']) },
        { status: 'failed', reason: 'interrupted by a restart; run it again', finishedAt: new Date() },
      );
  }

  /** Queues the import and runs it in the background; the uploaded file is deleted when it is done (and by the
   * controller when this refuses it). */
  async start(
    staff: StaffPrincipal,
    kind: ImportKind,
    path: string,
    fileName: string,
    options: ImportOptions,
    mappingName?: string,
    sendConfirmations = false,
  ) {
    assertMayImport(staff, kind);
    if (sendConfirmations && kind !== 'contacts')
      throw new AppError(ErrorCode.InvalidInput, 'sendConfirmations is for contacts imports only');
    const request = {
      kind,
      path,
      fileName,
      options: importOptions(this.env, options),
      createdBy: staff.id,
      ...(kind === 'contacts' && {
        afterImport: async (jobId: string) => ({
          confirmations: await this.confirmations.forImport(jobId, sendConfirmations, staff.id),
        }),
      }),
    };
    const job = await createImportJob(this.db, request);
    await this.audit.record(staff.id, 'import.start', 'import-job', job.id, {
      kind,
      fileName,
      ...(mappingName && { mappingName }),
      ...(kind === 'contacts' && { sendConfirmations }),
    });
    const work = runImportJob(this.db, job, request)
      .then((done) => {
        this.logger.log(`import ${done.id} (${kind}, ${fileName}): ${done.status}`);
      })
      .catch((e: unknown) => this.logger.error(`import ${job.id} failed: ${String(e)}`))
      .finally(() => rm(path, { force: true }));
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
    return toDto(job);
  }

  /**
   * The beginning of an upload as the import would read it, writing nothing (see previewImport). `file` holds the
   * upload's first bytes; `size` is the whole upload's.
   */
  async preview(
    staff: StaffPrincipal,
    kind: ImportKind,
    file: { buffer: Buffer; size: number; originalname: string },
    options: ImportOptions,
    mappingName: string | null,
  ) {
    assertMayImport(staff, kind);
    if (!isPreviewKind(kind))
      throw new AppError(
        ErrorCode.BadRequest,
        `A ${kind} file is GeoJSON, not a table: the preview reads ${PREVIEW_KINDS.join(', ')} files`,
      );
    const full = importOptions(this.env, options);
    try {
      const preview = await previewImport(kind, file.buffer, file.size > file.buffer.length, full);
      return {
        kind,
        fileName: file.originalname,
        mappingName,
        ...preview,
        ...(kind === 'contacts' && { purpose: full.purpose }),
      };
    } catch (e) {
      if (e instanceof FileRejected)
        throw new AppError(ErrorCode.BadRequest, `The import would reject this file: ${e.message}`);
      throw e;
    }
  }

  /** Lets tests and shutdown wait for background imports. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }

  async get(staff: StaffPrincipal, id: string) {
    const job = await this.db.getRepository(ImportJob).findOneBy({ id });
    if (!job) throw new AppError(ErrorCode.NotFound, 'No import job with this id');
    return toDto(job, mayReadContacts(staff.role));
  }

  async list(staff: StaffPrincipal, page: number, perPage: number) {
    const [jobs, total] = await this.db
      .getRepository(ImportJob)
      .findAndCount({ order: { createdAt: 'DESC' }, skip: (page - 1) * perPage, take: perPage });
    return { items: jobs.map((job) => toDto(job, mayReadContacts(staff.role))), total, page, perPage };
  }
}
