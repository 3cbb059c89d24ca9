import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
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
import { approvalHolds, approvalRefusal, launchRefusal, needsApproval } from './approval.js';
import { type AudienceQuery, audienceSql, householdsSql, previewSql, quietZonesSql } from './audience.js';
import { CANCEL_SQL, materialiseSql, MESSAGES_PAGE_SQL, PROGRESS_SQL } from './ledger.js';
import { ANOMALY_MEANINGS, type ReportAnomaly } from '../messaging/provider-report.js';
import { bucketSeconds, failuresOf, progressOf, sentSeries, skipsOf, type LedgerGroup } from './monitor.js';
import { CampaignEvent, Wave, type WaveStatus } from './wave.entities.js';
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

/** JSON with its keys in order, so that two audiences compare equal however their keys were written. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );

/** A wave as the API shows it: with its creator's name, and its approval (who, their name, when) or null. */
function waveView(wave: Wave, names: Map<string, string>) {
  const { editedBy: _edited, approvedBy, approvedAt, ...stored } = wave;
  return {
    ...stored,
    createdByName: wave.createdBy ? (names.get(wave.createdBy) ?? null) : null,
    approval:
      approvedBy && approvedAt
        ? { by: approvedBy, byName: names.get(approvedBy) ?? null, at: approvedAt }
        : null,
  };
}

@Injectable()
export class WavesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly env: Env,
    private readonly audit: AuditService,
  ) {}

  async create(dto: CreateWaveDto, staffId: string | null, event?: CampaignEvent, offsetMinutes?: number) {
    await this.check(dto, event !== undefined);
    const wave = await this.db.getRepository(Wave).save(
      this.db.getRepository(Wave).create({
        ...definitionOf(dto),
        eventId: event?.id ?? null,
        offsetMinutes: offsetMinutes ?? null,
        cutoffAt: event?.cutoffAt ?? null,
        status: 'draft',
        createdBy: staffId,
      }),
    );
    await this.audit.record(staffId, 'wave.create', 'wave', wave.id, { name: wave.name });
    return (await this.views([wave]))[0];
  }

  /**
   * Changes a draft: the fields given replace the stored ones, checked as a new wave's would be. A change
   * withdraws the approval, and its author may no longer approve the wave.
   */
  async update(id: string, dto: UpdateWaveDto, staffId: string) {
    const { changed, withdrawn } = await this.db.transaction(async (m) => {
      const wave = await this.locked(id, m);
      if (wave.status !== 'draft')
        throw new AppError(ErrorCode.Conflict, `The wave is ${wave.status}: only a draft can be changed`);
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
      if (!changed.length) return { changed, withdrawn: false };
      await m.getRepository(Wave).update(id, {
        ...definition,
        editedBy: [...new Set([...wave.editedBy, staffId])],
        approvedBy: null,
        approvedAt: null,
      });
      return { changed, withdrawn: wave.approvedBy !== null };
    });
    if (changed.length)
      await this.audit.record(staffId, 'wave.update', 'wave', id, {
        changed,
        ...(withdrawn && { approvalWithdrawn: true }),
      });
    return this.get(id);
  }

  /**
   * Approves a wave for launch: by someone who neither created nor changed it, before its ledger is written. A
   * later approval replaces an earlier one.
   */
  async approve(id: string, staffId: string) {
    const replaced = await this.db.transaction(async (m) => {
      const wave = await this.locked(id, m);
      const refusal = approvalRefusal(wave, staffId);
      if (refusal) throw new AppError(ErrorCode.Conflict, refusal);
      await m.query(
        `UPDATE waves SET approved_by = $2, approved_at = now(), updated_at = now() WHERE id = $1`,
        [id, staffId],
      );
      return wave.approvedBy;
    });
    await this.audit.record(staffId, 'wave.approve', 'wave', id, replaced ? { replaced } : {});
    return this.get(id);
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

  /** The waves as the API shows them, with the names of their creators and approvers. */
  private async views(waves: Wave[]) {
    const ids = [
      ...new Set(waves.flatMap((w) => [w.createdBy, w.approvedBy]).filter((i): i is string => !!i)),
    ];
    const rows: { id: string; name: string }[] = ids.length
      ? await this.db.query(`SELECT id, name FROM staff_users WHERE id = ANY($1)`, [ids])
      : [];
    const names = new Map(rows.map((r) => [r.id, r.name]));
    return waves.map((w) => waveView(w, names));
  }

  async list() {
    return this.views(await this.db.getRepository(Wave).find({ order: { createdAt: 'DESC' }, take: 500 }));
  }

  /** The wave with its progress: counts by status, the rate over the last minute and the expected end. */
  async get(id: string) {
    const wave = await this.find(id);
    const { groups, now } = await this.ledgerGroups(wave);
    return { ...(await this.views([wave]))[0], progress: progressOf(groups, now) };
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
      ...progressOf(groups, now),
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
    const groups = await this.db.transaction((m) => this.judge(wave, m));
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
    const { approval } = (await this.views([wave]))[0];
    return {
      wave: {
        id: wave.id,
        name: wave.name,
        channel: wave.channel,
        purpose: wave.purpose,
        status: wave.status,
      },
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
      },
      groups: sending.map((g) => ({
        segmentId: g.segment_id,
        segment: g.segment_id ? (labels.get(g.segment_id) ?? null) : null,
        template: g.template_key,
        templateVersion: g.template_version,
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
   * Materialises the ledger (or schedules that for later): one row per contact of the audience. `staffId` null: the
   * command line, where nobody is signed in.
   */
  async launch(id: string, staffId: string | null) {
    const refusal = await this.tryLaunch(id, staffId);
    if (refusal) throw new AppError(ErrorCode.Conflict, refusal);
    return this.get(id);
  }

  /**
   * Launches a draft unless it would reach more than APPROVAL_THRESHOLD people without an approval that lets this
   * person launch it: then it stays a draft, and the reason is returned. The count is the preview's, judged as
   * the wave is launched; with such an approval it is not needed.
   */
  private async tryLaunch(id: string, staffId: string | null): Promise<string | null> {
    const outcome = await this.db.transaction(async (m) => {
      const wave = await this.locked(id, m);
      if (wave.status !== 'draft')
        throw new AppError(ErrorCode.Conflict, `The wave is ${wave.status}, not a draft`);
      const recipients = approvalHolds(wave.approvedBy, staffId) ? null : finalOf(await this.judge(wave, m));
      const refusal =
        recipients === null
          ? null
          : launchRefusal({
              recipients,
              threshold: this.env.APPROVAL_THRESHOLD,
              approvedBy: wave.approvedBy,
              launcher: staffId,
            });
      if (refusal) return { refusal, recipients, approvedBy: wave.approvedBy };
      if (wave.scheduledAt && wave.scheduledAt.getTime() > Date.now()) {
        await this.setStatus(id, 'draft', 'scheduled', m);
      } else {
        await this.setStatus(id, 'draft', 'sending', m);
        await this.materialise(wave, m);
      }
      return { refusal: null, recipients, approvedBy: wave.approvedBy };
    });
    if (outcome.refusal) return outcome.refusal;
    await this.audit.record(staffId, 'wave.launch', 'wave', id, {
      ...(outcome.recipients !== null && { recipients: outcome.recipients }),
      ...(outcome.approvedBy && { approvedBy: outcome.approvedBy }),
    });
    return null;
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
      throw new AppError(ErrorCode.Conflict, `The wave is ${wave.status}; it cannot become ${to}`);
    }
  }

  async pause(id: string, staffId: string) {
    await this.setStatus(id, ['sending', 'scheduled'], 'paused');
    await this.audit.record(staffId, 'wave.pause', 'wave', id);
    return this.get(id);
  }

  async resume(id: string, staffId: string) {
    const wave = await this.find(id);
    const next =
      !wave.launchedAt && wave.scheduledAt && wave.scheduledAt.getTime() > Date.now()
        ? 'scheduled'
        : 'sending';
    await this.db.transaction(async (m) => {
      await this.setStatus(id, 'paused', next, m);
      if (next === 'sending' && !wave.launchedAt) await this.materialise(wave, m);
    });
    await this.audit.record(staffId, 'wave.resume', 'wave', id);
    return this.get(id);
  }

  async cancel(id: string, staffId: string) {
    await this.db.transaction(async (m) => {
      await this.setStatus(id, ['draft', 'scheduled', 'sending', 'paused'], 'cancelled', m);
      await m.query(CANCEL_SQL, [id]);
    });
    await this.audit.record(staffId, 'wave.cancel', 'wave', id);
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
