import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppError, ErrorCode } from '../common/errors.js';
import { Wave, type ResolvedTemplate } from './wave.entities.js';
import { WaveRevisions } from './wave-revisions.js';

/** A template's latest version and when it was saved. */
interface Latest {
  version: number;
  savedAt: Date;
}

/**
 * The templates a wave sends as the API shows them: per segment (or for everyone), the version it sends, and the
 * template's latest version with the day it was saved, so that a newer one not sent is visible.
 */
function templatesView(
  resolved: ResolvedTemplate[],
  strategy: Wave['templateStrategy'],
  latest: Map<string, Latest>,
  labels: Map<string, string>,
) {
  return resolved.map((r) => ({
    segmentId: r.segmentId,
    segment: r.segmentId ? (labels.get(r.segmentId) ?? null) : null,
    template: r.template,
    version: r.version,
    latestVersion: r.template ? (latest.get(r.template)?.version ?? null) : null,
    latestSavedAt: r.template ? (latest.get(r.template)?.savedAt ?? null) : null,
    takesLatest: strategy === 'fixed',
    handChoice: r.handChoice,
  }));
}

/**
 * A wave as the API shows it: with its creator's name, its approval (who, their name, when, of which revision and
 * count) or null, and the templates its revision resolves to.
 */
function waveView(
  wave: Wave,
  names: Map<string, string>,
  latest: Map<string, Latest>,
  labels: Map<string, string>,
) {
  const {
    editedBy: _edited,
    approvedBy,
    approvedAt,
    approvedRevision,
    approvedFinal,
    judgedFinal,
    judgedRevision,
    resolved,
    ...stored
  } = wave;
  return {
    ...stored,
    createdByName: wave.createdBy ? (names.get(wave.createdBy) ?? null) : null,
    approval:
      approvedBy && approvedAt
        ? {
            by: approvedBy,
            byName: names.get(approvedBy) ?? null,
            at: approvedAt,
            revision: approvedRevision,
            final: approvedFinal,
          }
        : null,
    templates: templatesView(resolved, wave.templateStrategy, latest, labels),
    recipients: judgedRevision === wave.revision ? judgedFinal : null,
  };
}

/** Waves as the API shows them: with the names of the people involved, their segments and their templates. */
@Injectable()
export class WaveViews {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly revisions: WaveRevisions,
  ) {}

  async find(id: string): Promise<Wave> {
    const wave = await this.db.getRepository(Wave).findOneBy({ id });
    if (!wave) throw new AppError(ErrorCode.NotFound, 'No wave with this id');
    return wave;
  }

  /**
   * The waves as the API shows them, with the names of their creators and approvers, and their templates with the
   * latest version of each.
   */
  async of(found: Wave[]) {
    // A wave from before revisions has not been resolved yet: it is shown as it resolves now.
    const waves = await Promise.all(
      found.map(async (w) =>
        w.resolved.length ? w : { ...w, resolved: await this.revisions.resolve(this.db.manager, w) },
      ),
    );
    const ids = [
      ...new Set(waves.flatMap((w) => [w.createdBy, w.approvedBy]).filter((i): i is string => !!i)),
    ];
    const rows: { id: string; name: string }[] = ids.length
      ? await this.db.query(`SELECT id, name FROM staff_users WHERE id = ANY($1)`, [ids])
      : [];
    const names = new Map(rows.map((r) => [r.id, r.name]));
    const resolved = waves.flatMap((w) => w.resolved);
    const latest = await this.latestVersions(resolved.map((r) => r.template).filter((k): k is string => !!k));
    const labels = await this.segmentLabels(resolved.map((r) => r.segmentId).filter((s): s is string => !!s));
    return waves.map((w) => waveView(w, names, latest, labels));
  }

  /** Each template's latest version and when it was saved. */
  private async latestVersions(keys: string[]): Promise<Map<string, Latest>> {
    if (!keys.length) return new Map();
    const rows: { key: string; version: number; saved_at: Date }[] = await this.db.query(
      `SELECT t.key, t.version, v.created_at AS saved_at FROM issue_templates t
       JOIN issue_template_versions v ON v.template_id = t.id AND v.version = t.version
       WHERE t.key = ANY($1)`,
      [[...new Set(keys)]],
    );
    return new Map(rows.map((r) => [r.key, { version: r.version, savedAt: r.saved_at }]));
  }

  /** Each segment's name, or its generated label. */
  async segmentLabels(ids: string[]): Promise<Map<string, string>> {
    const rows: { id: string; label: string }[] = await this.db.query(
      `SELECT id, COALESCE(name, label_en) AS label FROM segments WHERE id = ANY($1)`,
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r.label]));
  }
}
