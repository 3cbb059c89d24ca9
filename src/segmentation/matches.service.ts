import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { AppError, ErrorCode } from '../common/errors.js';
import { IssueTemplate } from '../templates/template.entities.js';
import { SegmentMatch } from './segmentation.entities.js';
import { rankTemplates } from './matching.js';
import { Segment } from './segmentation.entities.js';

/** Which issue template fits which segment: scores with reasons, and the strategist's decision. */
@Injectable()
export class MatchesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  async matrix(runId: string) {
    const segments = await this.segmentsOf(runId);
    const templates = await this.db.getRepository(IssueTemplate).find({ order: { key: 'ASC' } });
    const decisions = await this.db
      .getRepository(SegmentMatch)
      .findBy(segments.map((s) => ({ segmentId: s.id })));
    return {
      runId,
      segments: segments.map((s) => {
        const ranked = rankTemplates(templates, s.centroid).map((score) => {
          const t = templates.find((x) => x.key === score.template)!;
          return { ...score, version: t.version, name: t.name };
        });
        const decision = decisions.find((d) => d.segmentId === s.id);
        return {
          segmentId: s.id,
          index: s.index,
          label: { de: s.labelDe, en: s.labelEn },
          name: s.name,
          proposed: ranked[0]?.template ?? null,
          decision: decision
            ? {
                templateKey: decision.templateKey,
                templateVersion: decision.templateVersion,
                overridden: decision.overridden,
                decidedAt: decision.decidedAt,
              }
            : null,
          ranked,
        };
      }),
    };
  }

  /** Approves the proposal or overrides it; later waves use this choice and the template version it names. */
  async decide(runId: string, segmentId: string, templateKey: string, staffId: string, comment?: string) {
    const segment = (await this.segmentsOf(runId)).find((s) => s.id === segmentId);
    if (!segment) throw new AppError(ErrorCode.NotFound, 'No segment with this id in this run');
    const templates = await this.db.getRepository(IssueTemplate).find();
    const chosen = templates.find((t) => t.key === templateKey);
    if (!chosen) throw new AppError(ErrorCode.BadRequest, `No template with the key ${templateKey}`);
    const proposed = rankTemplates(templates, segment.centroid)[0].template;
    const decision = {
      segmentId,
      templateKey,
      templateVersion: chosen.version,
      proposedKey: proposed,
      overridden: proposed !== templateKey,
      decidedBy: staffId,
      decidedAt: new Date(),
    };
    await this.db.getRepository(SegmentMatch).upsert(decision, ['segmentId']);
    await this.audit.record(
      staffId,
      decision.overridden ? 'match.override' : 'match.approve',
      'segment',
      segmentId,
      {
        templateKey,
        templateVersion: chosen.version,
        proposed,
        ...(comment && { comment }),
      },
    );
    return decision;
  }

  private async segmentsOf(runId: string) {
    const segments = await this.db.getRepository(Segment).find({ where: { runId }, order: { index: 'ASC' } });
    if (segments.length === 0) throw new AppError(ErrorCode.NotFound, 'No segmentation run with this id');
    return segments;
  }
}
