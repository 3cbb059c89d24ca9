import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { AppError, ErrorCode } from '../common/errors.js';
import { messageLanguage } from '../common/languages.js';
import { consentPurposes, Env, publicUrl } from '../config/config.js';
import type { TemplateContent } from '../templates/default-templates.js';
import {
  eventPlaceholdersIn,
  placeholders,
  placeholdersIn,
  SAMPLE_FIRST_NAME,
  sampleOptOutLink,
} from '../templates/placeholders.js';
import { renderMessage } from '../templates/render-message.js';
import { smsSegments } from '../templates/sms-segments.js';
import type { Localized } from '../templates/template.entities.js';
import { EXCLUSIONS, meaningOf, QUIET_HOURS } from '../consent/send-rules.js';
import { segmentsNeedingHandChoice } from '../segmentation/matches.service.js';
import {
  approvalRefusal,
  AWAITING_APPROVAL_SQL,
  launchRefusal,
  needsApproval,
  STATUS_WORDS,
} from './approval.js';
import { type AudienceQuery, audienceSql, householdsSql, previewSql, quietZonesSql } from './audience.js';
import { CANCEL_SQL, materialiseSql, MESSAGES_PAGE_SQL, PROGRESS_SQL } from './ledger.js';
import { ANOMALY_MEANINGS, type ReportAnomaly } from '../messaging/provider-report.js';
import { bucketSeconds, failuresOf, progressOf, sentSeries, skipsOf, type LedgerGroup } from './monitor.js';
import { CampaignEvent, Wave, type ResolvedTemplate, type WaveStatus } from './wave.entities.js';
import { canonical, WaveRevisions } from './wave-revisions.js';
import type { CreateEventDto, CreateWaveDto, UpdateWaveDto } from './waves.dto.js';

const SAMPLE_TEXT_LIMIT = 4000;
/** Judging a million contacts sorts and hashes a few hundred MB; in memory it takes a fraction of the time. */
const AUDIENCE_WORK_MEM = '256MB';

/** Why a placeholder can come out empty in a sample. */
const EMPTY_BECAUSE: Record<string, string> = {
  region_name: 'the contact has no region',
  event_date: 'the wave has no event',
  event_place: 'the event has no place',
  first_name: 'no first name',
  opt_out_link: 'no link',
};

/** One group of the audience as the preview's judging returns it. */
interface JudgedGroup {
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
const finalOf = (groups: JudgedGroup[]) => groups.reduce((s, g) => s + (g.excluded === null ? g.n : 0), 0);

/** What a wave's definition stores, from a request to create or change it. */
function definitionOf(dto: CreateWaveDto) {
  return {
    name: dto.name,
    channel: dto.channel,
    purpose: dto.purpose,
    audience: dto.audience,
    templateStrategy: dto.templateStrategy,
    templateKey: dto.templateStrategy === 'fixed' ? dto.templateKey! : null,
    scheduledAt: dto.scheduledAt ?? null,
  };
}

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

/** The facts of an audit entry that changed a wave, in words. */
function changeInWords(entry: {
  action: string;
  details: Record<string, unknown>;
  name: string | null;
}): string {
  const d = entry.details;
  const revision = `revision ${String(d.revision)}`;
  if (entry.action === 'wave.update')
    return `${revision}: ${(d.changed as string[]).join(', ')} changed by ${entry.name ?? 'someone'}`;
  return `${revision}: ${((d.templates as string[] | undefined) ?? []).join('; ')} (${String(d.because)})`;
}

@Injectable()
export class WavesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly env: Env,
    private readonly audit: AuditService,
    private readonly revisions: WaveRevisions,
  ) {}

  async create(dto: CreateWaveDto, staffId: string | null, event?: CampaignEvent, offsetMinutes?: number) {
    await this.check(dto, event !== undefined);
    const wave = await this.db.transaction(async (m) => {
      const definition = definitionOf(dto);
      const saved = await m.getRepository(Wave).save(
        m.getRepository(Wave).create({
          ...definition,
          resolved: await this.revisions.resolve(m, definition),
          eventId: event?.id ?? null,
          offsetMinutes: offsetMinutes ?? null,
          cutoffAt: event?.cutoffAt ?? null,
          status: 'draft',
          createdBy: staffId,
        }),
      );
      await this.audit.record(staffId, 'wave.create', 'wave', saved.id, { name: saved.name, revision: 1 }, m);
      return saved;
    });
    return (await this.views([wave]))[0];
  }

  /**
   * Changes a draft: the fields given replace the stored ones, checked as a new wave's would be. A change is a new
   * revision: it withdraws the approval, and its author may no longer approve the wave. Audited in its transaction.
   */
  async update(id: string, dto: UpdateWaveDto, staffId: string) {
    await this.db.transaction(async (m) => {
      const wave = await this.locked(id, m);
      if (wave.status !== 'draft')
        throw new AppError(
          ErrorCode.Conflict,
          `The wave is ${STATUS_WORDS[wave.status]}: only a draft can be changed`,
        );
      const next: CreateWaveDto = {
        name: dto.name ?? wave.name,
        channel: dto.channel ?? wave.channel,
        purpose: dto.purpose ?? wave.purpose,
        audience: dto.audience ?? wave.audience,
        templateStrategy: dto.templateStrategy ?? wave.templateStrategy,
        templateKey: dto.templateKey ?? wave.templateKey ?? undefined,
        scheduledAt: (dto.scheduledAt === undefined ? wave.scheduledAt : dto.scheduledAt) ?? undefined,
      };
      await this.check(next, wave.eventId !== null);
      const definition = definitionOf(next);
      const changed = (Object.keys(definition) as (keyof typeof definition)[]).filter(
        (key) => canonical(definition[key]) !== canonical(wave[key]),
      );
      if (!changed.length) return;
      const revision = wave.revision + 1;
      await m.getRepository(Wave).update(id, {
        ...definition,
        revision,
        resolved: await this.revisions.resolve(m, definition),
        editedBy: [...new Set([...wave.editedBy, staffId])],
        approvedBy: null,
        approvedAt: null,
        approvedRevision: null,
        approvedFinal: null,
      });
      await this.audit.record(
        staffId,
        'wave.update',
        'wave',
        id,
        {
          changed,
          revision,
          ...(wave.approvedBy && {
            approvalWithdrawn: { by: wave.approvedBy, revision: wave.approvedRevision },
          }),
        },
        m,
      );
    });
    return this.get(id);
  }

  /**
   * Approves the revision of a wave its approver saw (`seen`), with the count its preview gives now: by someone who
   * neither created nor changed it, before its ledger is written. A later approval replaces an earlier one. When the
   * wave has moved on since `seen`, nothing is approved and the answer names what changed.
   */
  async approve(id: string, staffId: string, seen: number) {
    const refusal = await this.db.transaction(async (m) => {
      const found = await this.locked(id, m);
      const refused = approvalRefusal(found, staffId);
      if (refused) throw new AppError(ErrorCode.Conflict, refused);
      const { wave } = await this.revisions.refreshLocked(m, found, null, 'found when the wave was approved');
      if (seen !== wave.revision) return await this.staleRefusal(m, wave, seen);
      const final = finalOf(await this.judge(wave, m));
      await m.query(
        `UPDATE waves SET approved_by = $2, approved_at = now(), approved_revision = $3, approved_final = $4,
           updated_at = now()
         WHERE id = $1`,
        [id, staffId, wave.revision, final],
      );
      await this.audit.record(
        staffId,
        'wave.approve',
        'wave',
        id,
        { revision: wave.revision, final, ...(wave.approvedBy && { replaced: wave.approvedBy }) },
        m,
      );
      return null;
    });
    if (refusal) throw new AppError(ErrorCode.Conflict, refusal.message, refusal.details);
    return this.get(id);
  }

  /** Why an approval of revision `seen` comes too late: each change since, from the audit log, in words. */
  private async staleRefusal(m: EntityManager, wave: Wave, seen: number) {
    const entries: { action: string; details: Record<string, unknown>; name: string | null }[] =
      await m.query(
        `SELECT a.action, a.details, s.name FROM audit_log a LEFT JOIN staff_users s ON s.id = a.staff_user_id
       WHERE a.entity_type = 'wave' AND a.entity_id = $1 AND a.action IN ('wave.update', 'wave.revise')
         AND (a.details ->> 'revision')::int > $2
       ORDER BY a.id`,
        [wave.id, seen],
      );
    const changes = entries.map(changeInWords);
    return {
      message:
        `The wave changed after revision ${seen}, which you saw: it is at revision ${wave.revision}` +
        (changes.length ? ` (${changes.join('; ')})` : '') +
        '. Look at its preview again and approve what it shows',
      details: { seen, revision: wave.revision, changes },
    };
  }

  /** Everything wrong with a wave's definition, before anything is stored. */
  private async check(dto: CreateWaveDto, hasEvent: boolean) {
    const problems: string[] = [];
    if (!consentPurposes(this.env).includes(dto.purpose))
      problems.push(`purpose must be one of ${consentPurposes(this.env).join(', ')}`);
    const a = dto.audience;
    if (a.segmentIds?.length && !a.runId) problems.push('audience.segmentIds need audience.runId');
    if (a.runId) {
      const run: { id: string }[] = await this.db.query(`SELECT id FROM segmentation_runs WHERE id = $1`, [
        a.runId,
      ]);
      if (!run.length) problems.push('audience.runId: no such segmentation run');
      const foreign: { id: string }[] = await this.db.query(
        `SELECT id FROM unnest($1::uuid[]) AS id WHERE id NOT IN (SELECT id FROM segments WHERE run_id = $2)`,
        [a.segmentIds ?? [], a.runId],
      );
      if (foreign.length)
        problems.push(`audience.segmentIds not in this run: ${foreign.map((f) => f.id).join(', ')}`);
    }
    if (dto.templateStrategy === 'approved' && !a.segmentIds?.length)
      problems.push('templateStrategy "approved" needs segments (audience.runId and audience.segmentIds)');
    if (dto.templateStrategy === 'fixed') {
      if (!dto.templateKey) problems.push('templateStrategy "fixed" needs templateKey');
      else {
        const found: unknown[] = await this.db.query(`SELECT 1 FROM issue_templates WHERE key = $1`, [
          dto.templateKey,
        ]);
        if (!found.length) problems.push(`templateKey: no template "${dto.templateKey}"`);
      }
    }
    if (!hasEvent)
      problems.push(...(await this.eventlessProblems(dto.templateStrategy, dto.templateKey, a.segmentIds)));
    if (problems.length) throw new AppError(ErrorCode.BadRequest, problems.join('; '), { problems });
  }

  /**
   * A wave without an event has no date or place to put in a message: each template it would send that uses
   * them is a problem, named with the placeholders (the fixed template, or those chosen for its segments).
   */
  private async eventlessProblems(
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

  async find(id: string): Promise<Wave> {
    const wave = await this.db.getRepository(Wave).findOneBy({ id });
    if (!wave) throw new AppError(ErrorCode.NotFound, 'No wave with this id');
    return wave;
  }

  /** The wave, its row locked until `m` ends: approving, changing and launching it wait for each other. */
  private async locked(id: string, m: EntityManager): Promise<Wave> {
    const wave = await m.getRepository(Wave).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!wave) throw new AppError(ErrorCode.NotFound, 'No wave with this id');
    return wave;
  }

  /**
   * The waves as the API shows them, with the names of their creators and approvers, and their templates with the
   * latest version of each.
   */
  private async views(found: Wave[]) {
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

  /** The latest 500; or (`awaiting`) those that wait for this person's approval. */
  async list(awaiting?: 'my-approval', staff?: { id: string; role: string }) {
    if (!awaiting)
      return this.views(await this.db.getRepository(Wave).find({ order: { createdAt: 'DESC' }, take: 500 }));
    if (!staff || staff.role === 'staff') return [];
    const rows: { id: string }[] = await this.db.query(AWAITING_APPROVAL_SQL, [
      staff.id,
      this.env.APPROVAL_THRESHOLD,
    ]);
    if (!rows.length) return [];
    const found = await this.db
      .getRepository(Wave)
      .find({ where: { id: In(rows.map((r) => r.id)) }, order: { createdAt: 'DESC' } });
    return this.views(found);
  }

  /** What the latest preview or launch attempt counted, for the list of waves awaiting an approval. */
  private async judged(m: EntityManager, wave: Wave, final: number) {
    await m.query(`UPDATE waves SET judged_final = $2, judged_revision = $3 WHERE id = $1`, [
      wave.id,
      final,
      wave.revision,
    ]);
  }

  /** The wave with its progress: counts by status, the rate over the last minute and the expected end. */
  async get(id: string) {
    const wave = await this.find(id);
    const { groups, now } = await this.ledgerGroups(wave);
    return {
      ...(await this.views([wave]))[0],
      progress: progressOf(groups, now, { from: wave.launchedAt, to: wave.completedAt ?? now }),
    };
  }

  /**
   * What a live monitor shows, from one pass over the wave's rows: its progress, the messages handed to the
   * provider per time bucket, the failures by code and the skips by reason.
   */
  async progress(id: string) {
    const wave = await this.find(id);
    const { groups, now, bucket } = await this.ledgerGroups(wave);
    const rate = wave.channel === 'email' ? this.env.EMAIL_PER_SECOND : this.env.SMS_PER_SECOND;
    const series = sentSeries(groups, bucket, wave.launchedAt, wave.completedAt ?? now);
    return {
      id: wave.id,
      status: wave.status,
      channel: wave.channel,
      at: now,
      ...progressOf(groups, now, { from: wave.launchedAt, to: wave.completedAt ?? now }),
      handedOver: series.buckets.reduce((s, b) => s + b.sent, 0),
      ambiguous: groups
        .filter((g) => g.status === 'failed' && g.code === 'ambiguous')
        .reduce((s, g) => s + g.n, 0),
      configuredRatePerSecond: rate || null,
      sent: series,
      errors: failuresOf(groups),
      skipped: skipsOf(groups),
      reportAnomalies: await this.reportAnomalies(wave.id),
    };
  }

  /** Provider reports counted on the wave that were tied to no single message (see `reportTarget`). */
  private async reportAnomalies(waveId: string) {
    const rows: { kind: ReportAnomaly; count: number }[] = await this.db.query(
      `SELECT anomaly AS kind, count(*)::int AS count FROM message_events
       WHERE wave_id = $1 AND anomaly IS NOT NULL GROUP BY anomaly ORDER BY anomaly`,
      [waveId],
    );
    return rows.map((r) => ({ ...r, meaning: ANOMALY_MEANINGS[r.kind] }));
  }

  /** The wave's rows grouped for its progress, with buckets sized for the time it has been sending. */
  private async ledgerGroups(wave: Wave) {
    const now = new Date();
    const end = wave.completedAt ?? now;
    const bucket = bucketSeconds(wave.launchedAt ? (end.getTime() - wave.launchedAt.getTime()) / 1000 : 0);
    const groups: LedgerGroup[] = await this.db.query(PROGRESS_SQL, [wave.id, bucket]);
    return { groups, now, bucket };
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
  private async judge(wave: Wave, m: EntityManager): Promise<JudgedGroup[]> {
    await m.query(`SET LOCAL work_mem = '${AUDIENCE_WORK_MEM}'`);
    const q = await this.audienceOf(wave, m);
    if (q.quietHours) q.quietZones = await m.query(quietZonesSql(q.quietHours));
    const { sql, params } = previewSql(q);
    return m.query(sql, params);
  }

  /** The dry run: who would get what, and why the others would not. Writes nothing. */
  async preview(id: string) {
    const wave = await this.find(id);
    const groups = await this.db.transaction(async (m) => {
      const judged = await this.judge(wave, m);
      await this.judged(m, wave, finalOf(judged));
      return judged;
    });
    const audience = groups.reduce((s, g) => s + g.n, 0);
    let remaining = audience;
    const steps = EXCLUSIONS.map((reason) => {
      const excluded = groups.filter((g) => g.excluded === reason).reduce((s, g) => s + g.n, 0);
      remaining -= excluded;
      return { reason, meaning: meaningOf(reason), excluded, remaining };
    });
    const deferred = groups.reduce((s, g) => s + (g.deferred ?? 0), 0);
    const until = groups
      .map((g) => g.deferred_until)
      .filter((d): d is Date => d !== null)
      .sort((a, b) => b.getTime() - a.getTime())[0];
    const sending = groups.filter((g) => g.excluded === null);
    const labels = await this.segmentLabels(sending.map((g) => g.segment_id).filter((s): s is string => !!s));
    // With nobody to send to, the samples are still shown: rendered for a made-up contact.
    const sampled = sending.length ? sending : await this.madeUpGroups(wave);
    const contents = await this.contents(sampled);
    const samples = [];
    const sampleWarnings: string[] = [];
    let smsSegmentsTotal = 0;
    const seen = new Set<string>();
    for (const g of sampled) {
      const content = contents.get(`${g.template_key}@${g.template_version}`)!;
      const language = g.language as 'de' | 'en';
      const { rendered, empty } = await this.renderSample(content[language], g.sample, wave, g.language);
      const size = smsSegments(rendered.sms);
      smsSegmentsTotal += size.segments * g.n;
      const key = `${g.template_key}@${g.template_version}/${g.language}`;
      if (seen.has(key)) continue;
      seen.add(key);
      for (const name of empty)
        sampleWarnings.push(
          `${g.template_key} (${g.language}): {{${name}}} is empty in this sample (${EMPTY_BECAUSE[name]})`,
        );
      samples.push({
        template: g.template_key,
        templateVersion: g.template_version,
        language: g.language,
        madeUp: g.sample === null,
        emptyPlaceholders: empty,
        ...(wave.channel === 'email'
          ? {
              subject: rendered.subject,
              text: rendered.text,
              html: rendered.html.slice(0, SAMPLE_TEXT_LIMIT),
            }
          : { sms: rendered.sms, encoding: size.encoding, segments: size.segments }),
      });
    }
    const final = finalOf(groups);
    const rate = wave.channel === 'email' ? this.env.EMAIL_PER_SECOND : this.env.SMS_PER_SECOND;
    const { approval, templates } = (await this.views([wave]))[0];
    const latest = new Map(templates.map((t) => [t.template, t.latestVersion]));
    return {
      wave: {
        id: wave.id,
        name: wave.name,
        channel: wave.channel,
        purpose: wave.purpose,
        status: wave.status,
      },
      // What an approval of this preview approves.
      revision: wave.revision,
      templates,
      audience,
      steps,
      final,
      // Part of `final`: they go out when quiet hours end in the contact's zone.
      deferred: { ...QUIET_HOURS, count: deferred, until: until ?? null },
      approval: {
        threshold: this.env.APPROVAL_THRESHOLD,
        required: needsApproval(final, this.env.APPROVAL_THRESHOLD),
        by: approval?.by ?? null,
        byName: approval?.byName ?? null,
        at: approval?.at ?? null,
        revision: approval?.revision ?? null,
        final: approval?.final ?? null,
        tolerance: this.env.APPROVAL_TOLERANCE,
      },
      groups: sending.map((g) => ({
        segmentId: g.segment_id,
        segment: g.segment_id ? (labels.get(g.segment_id) ?? null) : null,
        template: g.template_key,
        templateVersion: g.template_version,
        latestVersion: latest.get(g.template_key) ?? g.template_version,
        takesLatest: wave.templateStrategy === 'fixed',
        language: g.language,
        count: g.n,
      })),
      samples,
      warnings: sampleWarnings,
      ...(wave.channel === 'sms' && {
        sms: {
          segments: smsSegmentsTotal,
          pricePerSegment: this.env.SMS_PRICE_PER_SEGMENT,
          estimatedCost: Math.round(smsSegmentsTotal * this.env.SMS_PRICE_PER_SEGMENT * 100) / 100,
        },
      }),
      ratePerSecond: rate || null,
      expectedDurationSeconds: rate ? Math.ceil(final / rate) : null,
    };
  }

  private async segmentLabels(ids: string[]): Promise<Map<string, string>> {
    const rows: { id: string; label: string }[] = await this.db.query(
      `SELECT id, COALESCE(name, label_en) AS label FROM segments WHERE id = ANY($1)`,
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r.label]));
  }

  /** Template content per `key@version`, from the version snapshots (what was approved is what is sent). */
  async contents(
    groups: { template_key: string | null; template_version: number | null }[],
  ): Promise<Map<string, Localized<TemplateContent>>> {
    const keys = [...new Set(groups.map((g) => `${g.template_key}@${g.template_version}`))];
    const rows: { ref: string; content: Localized<TemplateContent> }[] = await this.db.query(
      `SELECT t.key || '@' || v.version AS ref, v.snapshot -> 'content' AS content
       FROM issue_templates t JOIN issue_template_versions v ON v.template_id = t.id
       WHERE t.key || '@' || v.version = ANY($1)`,
      [keys],
    );
    return new Map(rows.map((r) => [r.ref, r.content]));
  }

  /**
   * Rendered with the group's region and event, for a made-up person (a preview shows nobody's personal data); with
   * no contact at all, with no region. Says which placeholders the text uses that came out empty.
   */
  private async renderSample(
    content: TemplateContent,
    contactId: string | null,
    wave: Wave,
    language: string,
  ) {
    const values = contactId
      ? (await placeholderValues(this.db.manager, [contactId], wave)).get(contactId)
      : (await placeholderValues(this.db.manager, [], wave, true)).get('');
    const filled: Record<string, string> = {
      ...values,
      first_name: SAMPLE_FIRST_NAME[messageLanguage(language)],
      opt_out_link: sampleOptOutLink(publicUrl(this.env)),
    };
    const texts = wave.channel === 'email' ? [content.subject, content.html, content.text] : [content.sms];
    const empty = placeholdersIn(texts).filter((name) => !filled[name]);
    return { rendered: renderMessage(content, filled), empty };
  }

  /** The template and language groups a wave would send, for samples when its audience is empty. */
  private async madeUpGroups(wave: Wave) {
    const templates: { template_key: string; template_version: number }[] =
      wave.templateStrategy === 'fixed'
        ? await this.db.query(
            `SELECT key AS template_key, version AS template_version FROM issue_templates WHERE key = $1`,
            [wave.templateKey],
          )
        : await this.db.query(
            `SELECT DISTINCT template_key, template_version FROM segment_matches WHERE segment_id = ANY($1)`,
            [wave.audience.segmentIds ?? []],
          );
    const languages = wave.audience.languages?.length ? wave.audience.languages : ['de'];
    return templates.flatMap((t) =>
      languages.map((language) => ({ ...t, language: messageLanguage(language), n: 0, sample: null })),
    );
  }

  /**
   * Materialises the ledger (or schedules that for later): one row per contact of the audience. `staffId`: who
   * launches it (on the command line, the person it names with --as).
   */
  async launch(id: string, staffId: string) {
    const refusal = await this.tryLaunch(id, staffId);
    if (refusal) throw new AppError(ErrorCode.Conflict, refusal);
    return this.get(id);
  }

  /**
   * Launches a draft (or a wave that waits for a new approval) unless it would reach more than APPROVAL_THRESHOLD
   * people without an approval that holds: of its revision now, for no more than APPROVAL_TOLERANCE above the count
   * its approver saw, and given by someone else than this person. Then it stays as it is, and the reason is
   * returned. The count is the preview's, judged as the wave is launched, under the wave's lock.
   */
  private async tryLaunch(id: string, staffId: string): Promise<string | null> {
    return this.db.transaction(async (m) => {
      const found = await this.locked(id, m);
      if (found.status !== 'draft' && found.status !== 'needs-approval')
        throw new AppError(ErrorCode.Conflict, `The wave is ${STATUS_WORDS[found.status]}, not a draft`);
      const { wave } = await this.revisions.refreshLocked(m, found, null, 'found when the wave was launched');
      const recipients = finalOf(await this.judge(wave, m));
      await this.judged(m, wave, recipients);
      const refusal = this.refusalOf(wave, recipients, staffId);
      if (refusal) return `${refusal}${await this.withdrawal(m, wave)}`;
      const later = wave.scheduledAt && wave.scheduledAt.getTime() > Date.now();
      await this.setStatus(id, wave.status, later ? 'scheduled' : 'sending', m);
      if (!later) await this.materialise(wave, m);
      await this.audit.record(staffId, 'wave.launch', 'wave', id, this.launchFacts(wave, recipients), m);
      return null;
    });
  }

  private refusalOf(wave: Wave, recipients: number, launcher: string | null) {
    return launchRefusal({
      recipients,
      threshold: this.env.APPROVAL_THRESHOLD,
      approvedBy: wave.approvedBy,
      launcher,
      revision: wave.revision,
      approvedRevision: wave.approvedRevision,
      approvedFinal: wave.approvedFinal,
      tolerance: this.env.APPROVAL_TOLERANCE,
    });
  }

  private launchFacts(wave: Wave, recipients: number) {
    return {
      revision: wave.revision,
      recipients,
      ...(wave.approvedBy && {
        approvedBy: wave.approvedBy,
        approvedRevision: wave.approvedRevision,
        approvedFinal: wave.approvedFinal,
      }),
    };
  }

  /** When the wave has no approval because a change withdrew it: which change, in words (or nothing). */
  private async withdrawal(m: EntityManager, wave: Wave): Promise<string> {
    if (wave.approvedBy) return '';
    const [last]: { action: string; details: Record<string, unknown>; name: string | null }[] = await m.query(
      `SELECT a.action, a.details, s.name FROM audit_log a LEFT JOIN staff_users s ON s.id = a.staff_user_id
       WHERE a.entity_type = 'wave' AND a.entity_id = $1 AND a.action IN ('wave.update', 'wave.revise', 'wave.approve')
       ORDER BY a.id DESC LIMIT 1`,
      [wave.id],
    );
    return last?.details.approvalWithdrawn ? ` (its approval was withdrawn by ${changeInWords(last)})` : '';
  }

  /**
   * A scheduled wave whose time has come: started, unless its approval no longer holds (a new revision, or an
   * audience grown beyond APPROVAL_TOLERANCE), judged as a launch would be. Then it waits as `needs-approval`.
   * Called by the dispatcher; nothing happens when another worker got there first.
   */
  async startDue(id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const found = await this.locked(id, m);
      if (found.status !== 'scheduled' || (found.scheduledAt && found.scheduledAt.getTime() > Date.now()))
        return;
      if (found.launchedAt) return this.setStatus(id, 'scheduled', 'sending', m);
      const { wave } = await this.revisions.refreshLocked(
        m,
        found,
        null,
        'found when the wave was due to start',
      );
      const recipients = finalOf(await this.judge(wave, m));
      const refusal = this.refusalOf(wave, recipients, null);
      if (refusal) {
        await this.setStatus(id, 'scheduled', 'needs-approval', m);
        await this.audit.record(
          null,
          'wave.hold',
          'wave',
          id,
          { revision: wave.revision, recipients, refusal },
          m,
        );
        return;
      }
      await this.setStatus(id, 'scheduled', 'sending', m);
      await this.materialise(wave, m);
      await this.audit.record(null, 'wave.start', 'wave', id, this.launchFacts(wave, recipients), m);
    });
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

  private async setStatus(id: string, from: WaveStatus | WaveStatus[], to: WaveStatus, m = this.db.manager) {
    const [, changed]: [unknown, number] = await m.query(
      `UPDATE waves SET status = $2, updated_at = now(),
         completed_at = CASE WHEN $2 IN ('completed', 'cancelled') THEN now() ELSE completed_at END
       WHERE id = $1 AND status = ANY($3)`,
      [id, to, Array.isArray(from) ? from : [from]],
    );
    if (!changed) {
      const wave = await this.find(id);
      throw new AppError(
        ErrorCode.Conflict,
        `The wave is ${STATUS_WORDS[wave.status]}; it cannot become ${STATUS_WORDS[to]}`,
      );
    }
  }

  async pause(id: string, staffId: string) {
    await this.db.transaction(async (m) => {
      await this.setStatus(id, ['sending', 'scheduled'], 'paused', m);
      await this.audit.record(staffId, 'wave.pause', 'wave', id, {}, m);
    });
    return this.get(id);
  }

  /**
   * A wave paused before it started is scheduled again: when its time has come (or has passed), it starts as any
   * scheduled wave does, its approval checked again.
   */
  async resume(id: string, staffId: string) {
    await this.db.transaction(async (m) => {
      const wave = await this.locked(id, m);
      await this.setStatus(id, 'paused', wave.launchedAt ? 'sending' : 'scheduled', m);
      await this.audit.record(staffId, 'wave.resume', 'wave', id, {}, m);
    });
    return this.get(id);
  }

  async cancel(id: string, staffId: string) {
    await this.db.transaction(async (m) => {
      await this.setStatus(id, ['draft', 'scheduled', 'needs-approval', 'sending', 'paused'], 'cancelled', m);
      await m.query(CANCEL_SQL, [id]);
      await this.audit.record(staffId, 'wave.cancel', 'wave', id, {}, m);
    });
    return this.get(id);
  }

  async messages(id: string, status: string | undefined, page: number, perPage: number) {
    await this.find(id);
    const rows: Record<string, unknown>[] = await this.db.query(MESSAGES_PAGE_SQL, [
      id,
      status ?? null,
      perPage,
      (page - 1) * perPage,
    ]);
    const total = (rows[0]?.total as number | undefined) ?? 0;
    return { items: rows.map(({ total: _, ...r }) => r), total, page, perPage };
  }

  /**
   * An event, with reminder waves at offsets before it, scheduled at once; a reminder that would reach more than
   * APPROVAL_THRESHOLD people stays a draft until it is approved and launched.
   */
  async createEvent(dto: CreateEventDto, staffId: string) {
    const cutoffAt = dto.cutoffAt ?? dto.startsAt;
    const event = await this.db.getRepository(CampaignEvent).save(
      this.db.getRepository(CampaignEvent).create({
        name: dto.name,
        startsAt: dto.startsAt,
        place: dto.place ?? null,
        regionIds: dto.regionIds ?? [],
        cutoffAt,
        createdBy: staffId,
      }),
    );
    await this.audit.record(staffId, 'event.create', 'event', event.id, { name: event.name });
    for (const r of dto.reminders ?? []) {
      const wave = await this.create(
        {
          name: `${event.name} – ${formatOffset(r.offsetMinutes)}`,
          channel: r.channel,
          purpose: r.purpose ?? 'event-reminders',
          audience: {},
          templateStrategy: 'fixed',
          templateKey: r.templateKey,
          scheduledAt: new Date(event.startsAt.getTime() - r.offsetMinutes * 60_000),
        },
        staffId,
        event,
        r.offsetMinutes,
      );
      await this.tryLaunch(wave.id, staffId);
    }
    return this.getEvent(event.id);
  }

  async getEvent(id: string) {
    const event = await this.db.getRepository(CampaignEvent).findOneBy({ id });
    if (!event) throw new AppError(ErrorCode.NotFound, 'No event with this id');
    const waves = await this.db
      .getRepository(Wave)
      .find({ where: { eventId: id }, order: { scheduledAt: 'ASC' } });
    return { ...event, reminders: await this.views(waves) };
  }

  listEvents() {
    return this.db.getRepository(CampaignEvent).find({ order: { startsAt: 'ASC' } });
  }
}

function formatOffset(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440} d before`;
  if (minutes % 60 === 0) return `${minutes / 60} h before`;
  return `${minutes} min before`;
}

/** First name, region name and the event's date and place, per contact (or, `madeUp`, for nobody: key ''). */
export async function placeholderValues(
  m: EntityManager,
  contactIds: string[],
  wave: Pick<Wave, 'eventId'>,
  madeUp = false,
): Promise<Map<string, Record<string, string>>> {
  const rows: { id: string; first_name: string | null; region: string | null; language: string }[] =
    await m.query(
      `SELECT c.id, c.first_name, r.name AS region, c.language FROM contacts c
     LEFT JOIN regions r ON r.id = c.region_id WHERE c.id = ANY($1)`,
      [contactIds],
    );
  const event: { starts_at: Date; place: string | null }[] = wave.eventId
    ? await m.query(`SELECT starts_at, place FROM campaign_events WHERE id = $1`, [wave.eventId])
    : [];
  if (madeUp) rows.push({ id: '', first_name: null, region: null, language: 'de' });
  return new Map(rows.map((r) => [r.id, placeholders({ ...r, ...event[0] })]));
}
