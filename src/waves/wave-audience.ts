import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AppError, ErrorCode } from '../common/errors.js';
import { Env } from '../config/config.js';
import { CampaignEvent } from '../events/event.entity.js';
import { segmentsNeedingHandChoice } from '../segmentation/matches.service.js';
import type { TemplateContent } from '../templates/default-templates.js';
import { eventPlaceholdersIn } from '../templates/placeholders.js';
import type { Localized } from '../templates/template.entities.js';
import { type AudienceQuery, audienceSql, householdsSql, previewSql, quietZonesSql } from './audience.js';
import { materialiseSql } from './ledger.js';
import type { Wave } from './wave.entities.js';

/** Judging a million contacts sorts and hashes a few hundred MB; in memory it takes a fraction of the time. */
const AUDIENCE_WORK_MEM = '256MB';

/** One group of the audience as judging returns it. */
export interface JudgedGroup {
  excluded: string | null;
  segment_id: string | null;
  template_key: string | null;
  template_version: number | null;
  language: string;
  n: number;
  sample: string;
  deferred: number | null;
  deferred_until: Date | null;
}

/** The messages that would go out: the groups no rule excludes. */
export const finalOf = (groups: JudgedGroup[]) =>
  groups.reduce((s, g) => s + (g.excluded === null ? g.n : 0), 0);

/**
 * A wave's audience: who it reaches and who not, and why (`judge`), and its ledger written from the same query
 * (`materialise`). Preview, approval, launch and a scheduled start judge the same way.
 */
@Injectable()
export class WaveAudience {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly env: Env,
  ) {}

  /**
   * A wave without an event has no date or place to put in a message: each template it would send that uses
   * them is a problem, named with the placeholders (the fixed template, or those chosen for its segments).
   */
  async eventlessProblems(
    strategy: Wave['templateStrategy'],
    templateKey: string | null | undefined,
    segmentIds: string[] | undefined,
  ): Promise<string[]> {
    const templates: { key: string; content: Localized<TemplateContent> }[] =
      strategy === 'fixed'
        ? await this.db.query(`SELECT key, content FROM issue_templates WHERE key = $1`, [templateKey])
        : await this.db.query(
            `SELECT DISTINCT t.key, t.content FROM segment_matches m JOIN issue_templates t ON t.key = m.template_key
             WHERE m.segment_id = ANY($1) ORDER BY t.key`,
            [segmentIds ?? []],
          );
    return templates.flatMap(({ key, content }) => {
      const used = eventPlaceholdersIn(content);
      return used.length
        ? [
            `the template '${key}' uses ${used.map((p) => `{{${p}}}`).join(' and ')}, but this wave has no event`,
          ]
        : [];
    });
  }

  /** What the audience SQL needs to judge the wave's contacts; for SMS with its households, read in `m`. */
  private async audienceOf(wave: Wave, m: EntityManager): Promise<AudienceQuery> {
    const run: { target: 'regions' | 'contacts'; set: string | null; current: string | null }[] = wave
      .audience.runId
      ? await this.db.query(
          `SELECT r.target, s.key AS set, c.key AS current FROM segmentation_runs r
           LEFT JOIN region_sets s ON s.id = r.region_set_id
           LEFT JOIN region_levels l ON l.level = s.level LEFT JOIN region_sets c ON c.id = l.current_set_id
           WHERE r.id = $1`,
          [wave.audience.runId],
        )
      : [];
    // Contacts are assigned to the current set only: segments of another edition would reach the wrong people.
    if (run[0]?.set && run[0].set !== run[0].current)
      throw new AppError(
        ErrorCode.Conflict,
        `The wave's segments are regions of ${run[0].set}, but contacts are now assigned to ${run[0].current}: ` +
          'make the segmentation over the current set, or make its set current again',
      );
    const event = wave.eventId
      ? await this.db.getRepository(CampaignEvent).findOneBy({ id: wave.eventId })
      : null;
    // The templates chosen for its segments may have changed since the wave was made.
    const eventless = event
      ? []
      : await this.eventlessProblems(wave.templateStrategy, wave.templateKey, wave.audience.segmentIds);
    if (eventless.length)
      throw new AppError(ErrorCode.Conflict, eventless.join('; '), { problems: eventless });
    const q: AudienceQuery = {
      channel: wave.channel,
      purpose: wave.purpose,
      audience: wave.audience,
      runTarget: run[0]?.target ?? null,
      templateStrategy: wave.templateStrategy,
      templateKey: wave.templateKey,
      ...(wave.templateStrategy === 'approved' && {
        needHandChoice: await segmentsNeedingHandChoice(
          m,
          wave.audience.segmentIds ?? [],
          this.env.MATCH_MIN_SCORE,
        ),
      }),
      eventRegionIds: event?.regionIds,
      frequencyCap: this.env.frequencyCap,
      quietHours: this.env.quietHours[wave.channel],
    };
    if (q.channel === 'sms') {
      const households = householdsSql(q);
      q.households = await m.query(households.sql, households.params);
    }
    return q;
  }

  /** Every contact of the wave's audience judged in one query, counted by exclusion, segment, template, language. */
  async judge(wave: Wave, m: EntityManager): Promise<JudgedGroup[]> {
    await m.query(`SET LOCAL work_mem = '${AUDIENCE_WORK_MEM}'`);
    const q = await this.audienceOf(wave, m);
    if (q.quietHours) q.quietZones = await m.query(quietZonesSql(q.quietHours));
    const { sql, params } = previewSql(q);
    return m.query(sql, params);
  }

  /** What the latest preview or launch attempt counted, for the list of waves awaiting an approval. */
  async recordJudged(m: EntityManager, wave: Wave, final: number) {
    await m.query(`UPDATE waves SET judged_final = $2, judged_revision = $3 WHERE id = $1`, [
      wave.id,
      final,
      wave.revision,
    ]);
  }

  /**
   * Writes the ledger rows; returns how many were queued. Idempotent thanks to the unique (wave, contact). In
   * contact order, with time-ordered ids, so the rows append to the indexes. The address is written when the message
   * is handed over, not before: a person erased in between leaves none behind.
   */
  async materialise(wave: Wave, m: EntityManager): Promise<number> {
    await m.query(`SET LOCAL work_mem = '${AUDIENCE_WORK_MEM}'`);
    const { sql, params } = audienceSql(await this.audienceOf(wave, m));
    const n = params.length;
    const result: [unknown, number] = await m.query(materialiseSql(sql, n), [
      ...params,
      wave.id,
      wave.scheduledAt,
    ]);
    await m.query(`UPDATE waves SET launched_at = now() WHERE id = $1`, [wave.id]);
    // Statistics that still describe the ledger before this wave would plan the dispatcher's queue read as a scan of
    // the whole wave; analysing now replans it (prepared statements are replanned when statistics change).
    await m.query('ANALYZE messages');
    return result[1];
  }
}
