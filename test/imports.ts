import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { ImportOptions } from '../src/csv/import-context.js';
import type { ImportKind } from '../src/imports/import-job.entity.js';
import { importFile } from '../src/imports/import-runner.js';

export const SHARED_DATA = resolve(import.meta.dirname, '../../shared/data');
export const hasSharedData = existsSync(join(SHARED_DATA, 'btw25_strukturdaten.csv'));
export const FIXTURES = resolve(import.meta.dirname, 'fixtures');

/** Runs an import through the same path as the API and CLI and returns the finished job. */
export async function runImport(
  dataSource: DataSource,
  kind: ImportKind,
  path: string,
  options: ImportOptions = {},
) {
  return importFile(dataSource, { kind, path, fileName: path.split('/').pop()!, options });
}

/** Writes text (or bytes) to a temporary file and returns its path. */
export async function tempFile(content: string | Buffer, name = 'upload.csv'): Promise<string> {
  const path = join(tmpdir(), `${randomBytes(6).toString('hex')}-${name}`);
  await writeFile(path, content);
  return path;
}
