import { Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { AppError, ErrorCode } from '../common/errors.js';
import { Env } from '../config/config.js';
import { Feature } from '../regions/feature.entity.js';
import { TemplateUsers } from '../templates/template-users.js';
import { IssueTemplate } from '../templates/template.entities.js';
import { needsHandChoice, proposal, rankTemplates } from './matching.js';
import { Segment, SegmentMatch } from './segmentation.entities.js';

/** Which issue template fits which segment: scores with reasons, and the strategist's decision. */
@Injectable()
export class MatchesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly env: Env,
    @Optional() private readonly users?: TemplateUsers,
  ) {}

  /**
   * Everything the matches screen shows in one answer: the run named, the segments with their ranked templates, and
   * the label and unit of every feature a reason names.
   */
  async matrix(runId: string) {
    const segments = await this.segmentsOf(runId);
    const templates = await this.db.getRepository(IssueTemplate).find({ order: { key: 'ASC' } });
    const minScore = this.env.MATCH_MIN_SCORE;
    const judged = await judgeSegments(this.db.manager, segments, templates, minScore);
    const deciders = await this.namesOf(
      judged.map((j) => j.decision?.decidedBy).filter((id) => id !== undefined),
    );
    const saved = await this.savedAt(templates);
    const reasonKeys = [
      ...new Set(judged.flatMap((j) => j.ranked.flatMap((r) => r.reasons.map((x) => x.key)))),
    ];
    return {
      runId,
      run: await this.runNamed(runId),
      features: await this.featuresNamed(reasonKeys),
      /** MATCH_MIN_SCORE: a best score below it is no clear match. */
      minScore,
      segments: judged.map(({ segment: s, ranked, proposed, decision, handChoiceNeeded }) => ({
        segmentId: s.id,
        index: s.index,
        label: { de: s.labelDe, en: s.labelEn },
        name: s.name,
        /** The best template, or null when even it scores below `minScore`. */
        proposed,
        noClearMatch: proposed === null,
        /** Waves over approved matches skip the segment until a strategist chooses a template by hand. */
        needsHandChoice: handChoiceNeeded,
        decision: decision
          ? {
              templateKey: decision.templateKey,
              templateVersion: decision.templateVersion,
              /** The template's latest version: newer than the approved one, it is not sent until approved. */
              latestVersion: templates.find((t) => t.key === decision.templateKey)?.version ?? null,
              latestSavedAt: saved.get(decision.templateKey) ?? null,
              overridden: decision.overridden,
              decidedBy: deciders.get(decision.decidedBy) ?? null,
              decidedAt: decision.decidedAt,
              comment: decision.comment,
            }
          : null,
        ranked: ranked.map((score) => {
          const t = templates.find((x) => x.key === score.template)!;
          return { ...score, version: t.version, name: t.name };
        }),
      })),
    };
  }

  /** The run as the screen names it: its region set (or level) and k. */
  private async runNamed(runId: string): Promise<{ regionSet: string | null; level: string; k: number }> {
    const [run]: { regionSet: string | null; level: string; k: number }[] = await this.db.query(
      `SELECT s.key AS "regionSet", r.level, r.k FROM segmentation_runs r
       LEFT JOIN region_sets s ON s.id = r.region_set_id WHERE r.id = $1`,
      [runId],
    );
    return run;
  }

  /** The catalogue's label and unit of each key (the key itself when the catalogue lacks it: a contact attribute). */
  private async featuresNamed(
    keys: string[],
  ): Promise<{ key: string; label: string; unit: string | null }[]> {
    const found = await this.db.getRepository(Feature).findBy({ key: In(keys) });
    return keys.map((key) => {
      const f = found.find((x) => x.key === key);
      return { key, label: f?.label ?? key, unit: f?.unit ?? null };
    });
  }

  /** When each template's latest version was saved. */
  private async savedAt(templates: IssueTemplate[]): Promise<Map<string, Date>> {
    const rows: { key: string; at: Date }[] = await this.db.query(
      `SELECT t.key, v.created_at AS at FROM issue_templates t
       JOIN issue_template_versions v ON v.template_id = t.id AND v.version = t.version WHERE t.id = ANY($1)`,
      [templates.map((t) => t.id)],
    );
    return new Map(rows.map((r) => [r.key, r.at]));
  }

  /**
   * Approves the proposal or overrides it; later waves use this choice and the template version it names (the
   * latest: approving again is how a newer version reaches the segment). Where there is no clear match there is
   * nothing to approve: any template chosen is a choice by hand (`overridden`). The waves not yet launched over this
   * segment's match get a new revision when what they send changes, in the same transaction (`TemplateUsers`).
   */
  async decide(runId: string, segmentId: string, templateKey: string, staffId: string, comment?: string) {
    const segment = (await this.segmentsOf(runId)).find((s) => s.id === segmentId);
    if (!segment) throw new AppError(ErrorCode.NotFound, 'No segment with this id in this run');
    const templates = await this.db.getRepository(IssueTemplate).find();
    const chosen = templates.find((t) => t.key === templateKey);
    if (!chosen) throw new AppError(ErrorCode.BadRequest, `No template with the key ${templateKey}`);
    const proposed = proposal(
      rankTemplates(campaignTemplates(templates), segment.centroid),
      this.env.MATCH_MIN_SCORE,
    );
    const decision = {
      segmentId,
      templateKey,
      templateVersion: chosen.version,
      proposedKey: proposed,
      overridden: proposed !== templateKey,
      decidedBy: staffId,
      decidedAt: new Date(),
      comment: comment?.trim() || null,
    };
    await this.db.transaction(async (m) => {
      await m.getRepository(SegmentMatch).upsert(decision, ['segmentId']);
      await this.audit.record(
        staffId,
        decision.overridden ? 'match.override' : 'match.approve',
        'segment',
        segmentId,
        {
          templateKey,
          templateVersion: chosen.version,
          proposed,
          ...(decision.comment && { comment: decision.comment }),
        },
        m,
      );
      await this.users?.templatesChanged(
        m,
        {
          segmentId,
          because: `match of segment '${segment.name ?? segment.labelEn}': ${templateKey} v${chosen.version} ${decision.overridden ? 'chosen' : 'approved'}`,
        },
        staffId,
      );
    });
    return decision;
  }

  private async namesOf(staffIds: string[]): Promise<Map<string, string>> {
    if (staffIds.length === 0) return new Map();
    const rows: { id: string; name: string }[] = await this.db.query(
      `SELECT id, name FROM staff_users WHERE id = ANY($1)`,
      [[...new Set(staffIds)]],
    );
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  private async segmentsOf(runId: string) {
    const segments = await this.db.getRepository(Segment).find({ where: { runId }, order: { index: 'ASC' } });
    if (segments.length === 0) throw new AppError(ErrorCode.NotFound, 'No segmentation run with this id');
    return segments;
  }
}

/** Reminders (context event) are for waves tied to an event: they are never proposed. */
const campaignTemplates = (templates: IssueTemplate[]) => templates.filter((t) => t.context === 'campaign');

/**
 * Per segment: every campaign template scored (best first), the proposal, the stored decision, whether it waits for a
 * hand.
 */
async function judgeSegments(
  manager: EntityManager,
  segments: Segment[],
  templates: IssueTemplate[],
  minScore: number,
) {
  const decisions = await manager
    .getRepository(SegmentMatch)
    .findBy({ segmentId: In(segments.map((s) => s.id)) });
  const campaign = campaignTemplates(templates);
  return segments.map((segment) => {
    const ranked = rankTemplates(campaign, segment.centroid);
    const proposed = proposal(ranked, minScore);
    const decision = decisions.find((d) => d.segmentId === segment.id) ?? null;
    return { segment, ranked, proposed, decision, handChoiceNeeded: needsHandChoice(proposed, decision) };
  });
}

/**
 * The segments among `segmentIds` that wait for a template chosen by hand, with the templates as they are now (as
 * the matches show them): a wave over approved matches skips them (rule `no-clear-match`).
 */
export async function segmentsNeedingHandChoice(
  manager: EntityManager,
  segmentIds: string[],
  minScore: number,
): Promise<string[]> {
  if (segmentIds.length === 0) return [];
  const segments = await manager.getRepository(Segment).findBy({ id: In(segmentIds) });
  const templates = await manager.getRepository(IssueTemplate).find();
  return (await judgeSegments(manager, segments, templates, minScore))
    .filter((s) => s.handChoiceNeeded)
    .map((s) => s.segment.id);
}
