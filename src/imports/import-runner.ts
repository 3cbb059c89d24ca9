import type { DataSource } from 'typeorm';
import type { Env } from '../config/config.js';
import { importContacts } from '../contacts/import-contacts.js';
import { importGeometry } from '../regions/geometry-import.js';
import { importPostcodes } from '../regions/import-postcodes.js';
import { importRegions } from '../regions/import-regions.js';
import { importResults } from '../regions/import-results.js';
import { FileRejected } from '../csv/sniff.js';
import type { ImportContext, ImportCounts, ImportOptions } from '../csv/import-context.js';
import { ImportJob, type ImportKind } from './import-job.entity.js';

const IMPORTERS: Record<ImportKind, (ctx: ImportContext) => Promise<ImportCounts>> = {
  regions: importRegions,
  results: importResults,
  contacts: importContacts,
  postcodes: importPostcodes,
  geometry: importGeometry,
};

export interface ImportRequest {
  kind: ImportKind;
  path: string;
  fileName: string;
  options: ImportOptions;
  createdBy?: string | null;
  /**
   * Runs after a completed import's rows are committed and before the job says so, adding to what it reports (a
   * contacts import's double opt-in requests): a client that sees the job completed sees it all.
   */
  afterImport?: (jobId: string) => Promise<Partial<Pick<ImportJob, 'confirmations'>>>;
}

/** Records a queued job; `runImportJob` does the work. */
export async function createImportJob(dataSource: DataSource, request: ImportRequest): Promise<ImportJob> {
  return dataSource.getRepository(ImportJob).save({
    kind: request.kind,
    fileName: request.fileName,
    options: { ...request.options },
    createdBy: request.createdBy ?? null,
    status: 'queued',
  });
}

/**
 * Runs one job to its end state: completed (good rows kept, bad rows listed), rejected (the whole file refused,
 * nothing written, with the reason) or failed (an unexpected error, nothing written).
 */
export async function runImportJob(
  dataSource: DataSource,
  job: ImportJob,
  request: ImportRequest,
  onProgress?: (read: number) => void,
): Promise<ImportJob> {
  const jobs = dataSource.getRepository(ImportJob);
  const startedAt = new Date();
  await jobs.update(job.id, { status: 'running', startedAt });
  let final: Pick<ImportJob, 'status'> &
    Partial<
      Pick<
        ImportJob,
        | 'read'
        | 'skipped'
        | 'inserted'
        | 'updated'
        | 'unchanged'
        | 'rejected'
        | 'errors'
        | 'warnings'
        | 'warningList'
        | 'reason'
        | 'timings'
        | 'report'
        | 'confirmations'
      >
    >;
  try {
    const counts = await IMPORTERS[request.kind]({
      dataSource,
      path: request.path,
      fileName: request.fileName,
      jobId: job.id,
      options: request.options,
      onProgress,
    });
    final = { status: 'completed', ...counts, ...(await request.afterImport?.(job.id)) };
  } catch (e) {
    const rejected = e instanceof FileRejected;
    final = { status: rejected ? 'rejected' : 'failed', reason: e instanceof Error ? e.message : String(e) };
  }
  await jobs.update(job.id, { ...final, finishedAt: new Date() });
  return jobs.findOneByOrFail({ id: job.id });
}

/** The caller's options over the configured defaults; options left unset keep the default. */
export function importOptions(env: Env, given: ImportOptions = {}): ImportOptions {
  const set = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  return {
    regionLevel: env.CONTACT_REGION_LEVEL,
    defaultCountry: env.DEFAULT_COUNTRY,
    purpose: env.DEFAULT_CONSENT_PURPOSE,
    maxLineBytes: env.MAX_LINE_BYTES,
    ...set,
  };
}

/** Creates the job and runs it to its end state (for the CLI and the demo, which wait for the result). */
export async function importFile(
  dataSource: DataSource,
  request: ImportRequest,
  onProgress?: (read: number) => void,
): Promise<ImportJob> {
  return runImportJob(dataSource, await createImportJob(dataSource, request), request, onProgress);
}
