import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { AppError, ErrorCode } from '../common/errors.js';
import { consentPurposes, Env } from '../config/config.js';
import type { CampaignEvent } from '../events/event.entity.js';
import { approvalRefusal, AWAITING_APPROVAL_SQL, launchRefusal, STATUS_WORDS } from './approval.js';
import { CANCEL_SQL, MESSAGES_PAGE_SQL } from './ledger.js';
import { WaveMonitor } from './monitor.service.js';
import { finalOf, WaveAudience } from './wave-audience.js';
import { Wave, type WaveStatus } from './wave.entities.js';
import { canonical, WaveRevisions } from './wave-revisions.js';
import { WaveViews } from './wave-views.js';
import type { CreateWaveDto, UpdateWaveDto } from './waves.dto.js';

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

/**
 * A wave's lifecycle: created and changed as a draft, approved, launched (or scheduled and started when due),
 * paused, resumed, cancelled; every step audited in its transaction. Its preview is `WavePreview`, its progress
 * `WaveMonitor`, the events it reminds people of `EventsService`.
 */
@Injectable()
export class WavesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly env: Env,
    private readonly audit: AuditService,
    private readonly revisions: WaveRevisions,
    private readonly audience: WaveAudience,
    private readonly views: WaveViews,
    private readonly monitor: WaveMonitor,
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
    return (await this.views.of([wave]))[0];
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
      const final = finalOf(await this.audience.judge(wave, m));
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
      problems.push(
        ...(await this.audience.eventlessProblems(dto.templateStrategy, dto.templateKey, a.segmentIds)),
      );
    if (problems.length) throw new AppError(ErrorCode.BadRequest, problems.join('; '), { problems });
  }

  /** The wave, its row locked until `m` ends: approving, changing and launching it wait for each other. */
  private async locked(id: string, m: EntityManager): Promise<Wave> {
    const wave = await m.getRepository(Wave).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!wave) throw new AppError(ErrorCode.NotFound, 'No wave with this id');
    return wave;
  }

  /** The latest 500; or (`awaiting`) those that wait for this person's approval. */
  async list(awaiting?: 'my-approval', staff?: { id: string; role: string }) {
    if (!awaiting)
      return this.views.of(
        await this.db.getRepository(Wave).find({ order: { createdAt: 'DESC' }, take: 500 }),
      );
    if (!staff || staff.role === 'staff') return [];
    const rows: { id: string }[] = await this.db.query(AWAITING_APPROVAL_SQL, [
      staff.id,
      this.env.APPROVAL_THRESHOLD,
    ]);
    if (!rows.length) return [];
    const found = await this.db
      .getRepository(Wave)
      .find({ where: { id: In(rows.map((r) => r.id)) }, order: { createdAt: 'DESC' } });
    return this.views.of(found);
  }

  /** The wave with its progress: counts by status, the rate over the last minute and the expected end. */
  async get(id: string) {
    return this.monitor.detail(await this.views.find(id));
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
  async tryLaunch(id: string, staffId: string): Promise<string | null> {
    return this.db.transaction(async (m) => {
      const found = await this.locked(id, m);
      if (found.status !== 'draft' && found.status !== 'needs-approval')
        throw new AppError(ErrorCode.Conflict, `The wave is ${STATUS_WORDS[found.status]}, not a draft`);
      const { wave } = await this.revisions.refreshLocked(m, found, null, 'found when the wave was launched');
      const recipients = finalOf(await this.audience.judge(wave, m));
      await this.audience.recordJudged(m, wave, recipients);
      const refusal = this.refusalOf(wave, recipients, staffId);
      if (refusal) return `${refusal}${await this.withdrawal(m, wave)}`;
      const later = wave.scheduledAt && wave.scheduledAt.getTime() > Date.now();
      await this.setStatus(id, wave.status, later ? 'scheduled' : 'sending', m);
      if (!later) await this.audience.materialise(wave, m);
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
      const recipients = finalOf(await this.audience.judge(wave, m));
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
      await this.audience.materialise(wave, m);
      await this.audit.record(null, 'wave.start', 'wave', id, this.launchFacts(wave, recipients), m);
    });
  }

  private async setStatus(id: string, from: WaveStatus | WaveStatus[], to: WaveStatus, m = this.db.manager) {
    const [, changed]: [unknown, number] = await m.query(
      `UPDATE waves SET status = $2, updated_at = now(),
         completed_at = CASE WHEN $2 IN ('completed', 'cancelled') THEN now() ELSE completed_at END
       WHERE id = $1 AND status = ANY($3)`,
      [id, to, Array.isArray(from) ? from : [from]],
    );
    if (!changed) {
      const wave = await this.views.find(id);
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
    await this.views.find(id);
    const rows: Record<string, unknown>[] = await this.db.query(MESSAGES_PAGE_SQL, [
      id,
      status ?? null,
      perPage,
      (page - 1) * perPage,
    ]);
    const total = (rows[0]?.total as number | undefined) ?? 0;
    return { items: rows.map(({ total: _, ...r }) => r), total, page, perPage };
  }
}
