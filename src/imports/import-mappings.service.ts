import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { StaffPrincipal } from '../common/auth.decorators.js';
import { mayReadContacts } from '../common/roles.js';
import { AppError, ErrorCode } from '../common/errors.js';
import { refuseInvertedConsent } from '../contacts/contact-columns.js';
import { resolveMapping } from '../csv/mapping.js';
import { FileRejected } from '../csv/sniff.js';
import type { ImportKind } from './import-job.entity.js';
import { ImportMapping } from './import-mapping.entity.js';
import type { ImportMappingDto } from './imports.dto.js';
import { assertMayImport, mappingObject, parseMapping } from './imports.service.js';
import { MAPPING_KEYS, type MappableKind } from './mapping-keys.js';

const SELECT = `SELECT m.name, m.kind, m.mapping, m.created_at AS "createdAt", m.updated_at AS "updatedAt",
    CASE WHEN s.id IS NULL THEN NULL ELSE json_build_object('id', s.id, 'name', s.name) END AS "createdBy"
  FROM import_mappings m LEFT JOIN staff_users s ON s.id = m.created_by`;

/**
 * Mappings kept under a name. Each is checked when saved by the rules an import applies to a mapping it is given
 * (known keys, no two on one column), against no file yet; the file's columns are checked when it is imported.
 */
@Injectable()
export class ImportMappingsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** A contacts mapping names the columns of files of personal data: only for the roles that may read contacts. */
  list(staff: StaffPrincipal): Promise<ImportMappingDto[]> {
    return this.db.query(`${SELECT} WHERE $1 OR m.kind <> 'contacts' ORDER BY m.kind, m.name`, [
      mayReadContacts(staff.role),
    ]);
  }

  /** Creates or replaces a mapping; a replaced one keeps its creator. */
  async put(
    staff: StaffPrincipal,
    name: string,
    kind: MappableKind,
    given: unknown,
  ): Promise<ImportMappingDto> {
    assertMayImport(staff, kind);
    const mapping = mappingObject(given);
    try {
      resolveMapping(mapping, MAPPING_KEYS[kind], undefined, `${kind} file`);
      if (kind === 'contacts') refuseInvertedConsent(mapping);
    } catch (e) {
      if (e instanceof FileRejected) throw new AppError(ErrorCode.InvalidInput, e.message);
      throw e;
    }
    const existing = await this.db.getRepository(ImportMapping).findOneBy({ name });
    if (existing && existing.kind !== kind) assertMayImport(staff, existing.kind);
    await this.db.query(
      `INSERT INTO import_mappings (name, kind, mapping, created_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name) DO UPDATE SET kind = EXCLUDED.kind, mapping = EXCLUDED.mapping, updated_at = now()`,
      [name, kind, JSON.stringify(mapping), staff.id],
    );
    const action = existing ? 'import-mapping.replace' : 'import-mapping.create';
    await this.audit.record(staff.id, action, 'import-mapping', name, { kind, mapping });
    const [saved] = await this.db.query<ImportMappingDto[]>(`${SELECT} WHERE m.name = $1`, [name]);
    return saved;
  }

  async remove(staff: StaffPrincipal, name: string): Promise<void> {
    const existing = await this.db.getRepository(ImportMapping).findOneBy({ name });
    if (!existing) throw new AppError(ErrorCode.NotFound, `No saved mapping named ${name}`);
    assertMayImport(staff, existing.kind);
    await this.db.getRepository(ImportMapping).delete({ name });
    await this.audit.record(staff.id, 'import-mapping.delete', 'import-mapping', name, {
      kind: existing.kind,
    });
  }

  /** The mapping an import or a preview is read with: given as JSON, or saved under a name for this kind. */
  async forImport(kind: ImportKind, json: string | undefined, name: string | undefined) {
    if (name === undefined) return parseMapping(json);
    if (json !== undefined && json.trim() !== '')
      throw new AppError(ErrorCode.InvalidInput, 'Give a mapping or a mappingName, not both');
    const saved = await this.db.getRepository(ImportMapping).findOneBy({ name });
    if (!saved) throw new AppError(ErrorCode.BadRequest, `No saved mapping named ${name}`);
    if (saved.kind !== kind)
      throw new AppError(ErrorCode.BadRequest, `The mapping ${name} is for ${saved.kind} files, not ${kind}`);
    return saved.mapping;
  }
}
