import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { AppError, ErrorCode } from '../common/errors.js';
import { Env } from '../config/config.js';
import { segmentsNeedingHandChoice } from '../segmentation/matches.service.js';
import { TemplateUsers, type TemplateChange } from '../templates/template-users.js';
import { APPROVABLE, templateChanges } from './approval.js';
import { Wave, type ResolvedTemplate } from './wave.entities.js';

/** JSON with its keys in order, so that two values compare equal however their keys were written. */
export const canonical = (value: unknown): string =>
  JSON.stringify(value, (_, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );

/**
 * A wave's revision and the template versions it resolves to. Changing a wave raises its revision (WavesService);
 * so does a change to the templates it resolves to: a fixed template saved as a new version, a segment's match
 * decided anew. Both withdraw its approval, in the transaction of the change, with an audit entry.
 */
@Injectable()
export class WaveRevisions extends TemplateUsers {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly env: Env,
    private readonly audit: AuditService,
  ) {
    super();
  }

  /**
   * What the wave's templates resolve to now, read in `m`: a fixed template at its latest version (that is what a
   * launch sends), or each segment's approved match at the version it fixed, and whether it waits for a hand.
   */
  async resolve(
    m: EntityManager,
    wave: Pick<Wave, 'templateStrategy' | 'templateKey' | 'audience'>,
  ): Promise<ResolvedTemplate[]> {
    if (wave.templateStrategy === 'fixed') {
      const rows: { version: number }[] = await m.query(
        `SELECT version FROM issue_templates WHERE key = $1`,
        [wave.templateKey],
      );
      return [
        { segmentId: null, template: wave.templateKey, version: rows[0]?.version ?? null, handChoice: false },
      ];
    }
    const segmentIds = [...(wave.audience.segmentIds ?? [])].sort();
    const matches: { segment_id: string; template_key: string; template_version: number }[] = await m.query(
      `SELECT segment_id, template_key, template_version FROM segment_matches WHERE segment_id = ANY($1)`,
      [segmentIds],
    );
    const hand = new Set(await segmentsNeedingHandChoice(m, segmentIds, this.env.MATCH_MIN_SCORE));
    return segmentIds.map((segmentId) => {
      const match = matches.find((x) => x.segment_id === segmentId);
      return {
        segmentId,
        template: match?.template_key ?? null,
        version: match?.template_version ?? null,
        handChoice: hand.has(segmentId),
      };
    });
  }

  /**
   * Re-resolves a wave whose row `m` holds locked. When its templates moved, its revision rises and its approval is
   * withdrawn, audited in `m`; returns the wave as it is now and what moved, in words.
   */
  async refreshLocked(
    m: EntityManager,
    wave: Wave,
    staffId: string | null,
    because: string,
  ): Promise<{ wave: Wave; changes: string[] }> {
    const now = await this.resolve(m, wave);
    if (canonical(now) === canonical(wave.resolved)) return { wave, changes: [] };
    // Resolved for the first time (a wave from before revisions): nothing to compare with.
    if (wave.resolved.length === 0) {
      await m.query(`UPDATE waves SET resolved = $2 WHERE id = $1`, [wave.id, JSON.stringify(now)]);
      return { wave: { ...wave, resolved: now }, changes: [] };
    }
    const names = await this.segmentNames(m, [...wave.resolved, ...now]);
    const changes = templateChanges(wave.resolved, now, (id) => names.get(id) ?? id);
    const revision = wave.revision + 1;
    await m.query(
      `UPDATE waves SET revision = $2, resolved = $3, approved_by = NULL, approved_at = NULL,
         approved_revision = NULL, approved_final = NULL, updated_at = now()
       WHERE id = $1`,
      [wave.id, revision, JSON.stringify(now)],
    );
    await this.audit.record(
      staffId,
      'wave.revise',
      'wave',
      wave.id,
      {
        revision,
        changed: ['templates'],
        templates: changes,
        because,
        ...(wave.approvedBy && {
          approvalWithdrawn: { by: wave.approvedBy, revision: wave.approvedRevision },
        }),
      },
      m,
    );
    const next = {
      ...wave,
      revision,
      resolved: now,
      approvedBy: null,
      approvedAt: null,
      approvedRevision: null,
      approvedFinal: null,
    };
    return { wave: next, changes };
  }

  /**
   * Templates or matches changed in `m`: every wave not yet launched that may send them is locked (in id order, so
   * that two changes never wait for each other) and re-resolved. A template saved may also move which segments wait
   * for a hand (its weights score them), so every wave over approved matches is looked at then.
   */
  async templatesChanged(m: EntityManager, change: TemplateChange, staffId: string | null): Promise<void> {
    const locked: { id: string }[] = await m.query(
      `SELECT id FROM waves
       WHERE launched_at IS NULL AND status = ANY($1)
         AND (${
           change.templateKey
             ? `(template_strategy = 'fixed' AND template_key = $2) OR template_strategy = 'approved'`
             : `template_strategy = 'approved' AND audience -> 'segmentIds' ? $2`
         })
       ORDER BY id FOR UPDATE`,
      [APPROVABLE, change.templateKey ?? change.segmentId],
    );
    const waves = await m.getRepository(Wave).findBy({ id: In(locked.map((w) => w.id)) });
    waves.sort((a, b) => (a.id < b.id ? -1 : 1));
    for (const wave of waves) await this.refreshLocked(m, wave, staffId, change.because);
  }

  private async segmentNames(m: EntityManager, resolved: ResolvedTemplate[]): Promise<Map<string, string>> {
    const ids = [...new Set(resolved.map((r) => r.segmentId).filter((id): id is string => !!id))];
    const rows: { id: string; label: string }[] = ids.length
      ? await m.query(`SELECT id, COALESCE(name, label_en) AS label FROM segments WHERE id = ANY($1)`, [ids])
      : [];
    return new Map(rows.map((r) => [r.id, `'${r.label}'`]));
  }

  /**
   * Where a template is decided: its latest version, the matches approved at an older one, and the waves not yet
   * launched that send it (over approved matches, at the version their match fixed; with it fixed, at the latest).
   */
  async usesOf(key: string) {
    const [template]: { version: number; saved_at: Date }[] = await this.db.query(
      `SELECT t.version, v.created_at AS saved_at FROM issue_templates t
       JOIN issue_template_versions v ON v.template_id = t.id AND v.version = t.version WHERE t.key = $1`,
      [key],
    );
    if (!template) throw new AppError(ErrorCode.NotFound, `No template with the key ${key}`);
    const matches: {
      segmentId: string;
      runId: string;
      name: string | null;
      label: { de: string; en: string };
      version: number;
    }[] = await this.db.query(
      `SELECT m.segment_id AS "segmentId", s.run_id AS "runId", s.name,
         json_build_object('de', s.label_de, 'en', s.label_en) AS label, m.template_version AS version
       FROM segment_matches m JOIN segments s ON s.id = m.segment_id
       WHERE m.template_key = $1 AND m.template_version < $2 ORDER BY s.run_id, s.index`,
      [key, template.version],
    );
    const waves: Pick<Wave, 'id' | 'name' | 'status' | 'templateStrategy' | 'resolved' | 'approvedBy'>[] =
      await this.db.query(
        `SELECT id, name, status, template_strategy AS "templateStrategy", resolved, approved_by AS "approvedBy"
         FROM waves
         WHERE launched_at IS NULL AND status = ANY($1)
           AND ((template_strategy = 'fixed' AND template_key = $2) OR resolved @> $3::jsonb)
         ORDER BY created_at DESC`,
        [APPROVABLE, key, JSON.stringify([{ template: key }])],
      );
    return {
      key,
      version: template.version,
      savedAt: template.saved_at,
      matches,
      waves: waves.map((w) => {
        const versions = w.resolved.filter((r) => r.template === key).map((r) => r.version ?? 0);
        return {
          id: w.id,
          name: w.name,
          status: w.status,
          approved: w.approvedBy !== null,
          takesLatest: w.templateStrategy === 'fixed',
          versions: [...new Set(versions)].sort((a, b) => a - b),
          olderVersion: w.templateStrategy === 'approved' && versions.some((v) => v < template.version),
        };
      }),
    };
  }
}
