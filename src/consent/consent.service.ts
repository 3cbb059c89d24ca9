import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AppError, ErrorCode } from '../common/errors.js';
import { Env } from '../config/config.js';
import type { Channel, ConsentAction, ConsentSource, ConsentStatus } from './consent.js';
import { ConsentEvent } from './consent-event.entity.js';
import {
  campaignRefusalSql,
  confirmationCountsSql,
  suppressedSql,
  decideConfirmation,
  type GateDecision,
  type Refusal,
  type SendKind,
} from './consent-gate.js';

export interface Evidence {
  source: ConsentSource;
  ip?: string | null;
  userAgent?: string | null;
  textVersion?: string | null;
  staffUserId?: string | null;
  occurredAt?: Date;
  details?: Record<string, unknown>;
}

const ADDRESS = { email: 'email', sms: 'phone' } as const;

@Injectable()
export class ConsentService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly env: Env,
  ) {}

  /**
   * The one gate every send passes: may we send this contact on this channel for this purpose now? Reads the
   * committed state in one statement, so a withdrawal committed a moment ago is seen.
   */
  async maySend(
    contactId: string,
    channel: Channel,
    purpose: string,
    kind: SendKind = 'campaign',
    manager: EntityManager = this.db.manager,
  ): Promise<GateDecision> {
    const address = `c.${ADDRESS[channel]}`;
    const rows: {
      status: ConsentStatus | null;
      refusal: Refusal | null;
      has_address: boolean;
      suppressed: boolean;
      last_confirmation: Date | null;
      any_requested: boolean;
    }[] = await manager.query(
      `SELECT s.status, ${campaignRefusalSql('s.status', address)} AS refusal, ${address} IS NOT NULL AS has_address,
         ${address} IS NOT NULL AND ${suppressedSql(address)} AS suppressed,
         (SELECT max(created_at) FROM messages m WHERE m.contact_id = c.id AND m.channel = $2
            AND ${confirmationCountsSql('m')}) AS last_confirmation,
         EXISTS (SELECT 1 FROM consent_current q WHERE q.contact_id = c.id AND q.channel = $2
            AND q.status = 'requested') AS any_requested
       FROM contacts c
       LEFT JOIN consent_current s ON s.contact_id = c.id AND s.channel = $2 AND s.purpose = $3
       WHERE c.id = $1`,
      [contactId, channel, purpose],
    );
    const row = rows[0];
    if (!row) return { allowed: false, reason: 'unknown-contact' };
    if (kind === 'campaign') return row.refusal ? { allowed: false, reason: row.refusal } : { allowed: true };
    return decideConfirmation(
      {
        // A confirmation asks about every purpose still requested on the channel.
        status: row.any_requested ? 'requested' : 'none',
        hasAddress: row.has_address,
        suppressed: row.suppressed,
        lastConfirmationAt: row.last_confirmation,
      },
      new Date(),
      this.env.CONFIRMATION_RESEND_HOURS * 3600_000,
    );
  }

  /** The current state per channel × purpose, every configured purpose listed ('none' where nothing was said). */
  async states(contactId: string): Promise<{ channel: Channel; purpose: string; status: ConsentStatus }[]> {
    const rows: { channel: Channel; purpose: string; status: ConsentAction }[] = await this.db.query(
      `SELECT channel, purpose, status FROM consent_current WHERE contact_id = $1`,
      [contactId],
    );
    const purposes = [...new Set([...this.env.CONSENT_PURPOSES.split(','), ...rows.map((r) => r.purpose)])];
    return (['email', 'sms'] as const).flatMap((channel) =>
      purposes.map((purpose) => ({
        channel,
        purpose,
        status: rows.find((r) => r.channel === channel && r.purpose === purpose)?.status ?? 'none',
      })),
    );
  }

  /**
   * Records `action` for each purpose where it changes the current state, with its evidence; returns the purposes
   * that changed. Serialised per contact (row lock), so repeating a click records nothing twice.
   */
  async change(
    contactId: string,
    channel: Channel,
    purposes: string[],
    action: ConsentAction,
    evidence: Evidence,
    manager?: EntityManager,
  ): Promise<string[]> {
    const run = async (m: EntityManager) => {
      await this.lock(m, contactId);
      const current: { purpose: string; status: ConsentAction }[] = await m.query(
        `SELECT purpose, status FROM consent_current WHERE contact_id = $1 AND channel = $2 AND purpose = ANY($3)`,
        [contactId, channel, purposes],
      );
      if (purposes.length === 0) return [];
      const changed = purposes.filter((p) => current.find((c) => c.purpose === p)?.status !== action);
      if (changed.length)
        await m.getRepository(ConsentEvent).insert(
          changed.map((purpose) => ({
            contactId,
            channel,
            purpose,
            action,
            source: evidence.source,
            occurredAt: evidence.occurredAt ?? new Date(),
            ip: evidence.ip ?? null,
            userAgent: evidence.userAgent ?? null,
            textVersion: evidence.textVersion ?? null,
            staffUserId: evidence.staffUserId ?? null,
            details: (evidence.details ?? {}) as never,
          })),
        );
      return changed;
    };
    return manager ? run(manager) : this.db.transaction(run);
  }

  /**
   * Withdraws what the person had given on the channel (requested or confirmed), and nothing else: a purpose never
   * given stays *none*. The events are marked restorable, so that a START can bring back exactly these.
   */
  async withdrawGiven(contactId: string, channel: Channel, evidence: Evidence): Promise<string[]> {
    return this.db.transaction(async (m) => {
      await this.lock(m, contactId);
      const given = await this.purposesIn(contactId, channel, ['requested', 'confirmed'], m);
      return this.change(
        contactId,
        channel,
        given,
        'withdrawn',
        { ...evidence, details: { ...evidence.details, restorable: true } },
        m,
      );
    });
  }

  /**
   * The person's own "yes" after a STOP (START, JA, YES …): confirms exactly the purposes that a STOP or the
   * provider's opt-out withdrew, and those still only requested (the reply is their confirmation); nothing else.
   */
  async restoreStopped(contactId: string, channel: Channel, evidence: Evidence): Promise<string[]> {
    return this.db.transaction(async (m) => {
      await this.lock(m, contactId);
      const rows: { purpose: string }[] = await m.query(
        `SELECT s.purpose FROM consent_current s JOIN consent_events e ON e.id = s.event_id
         WHERE s.contact_id = $1 AND s.channel = $2
           AND (s.status = 'requested' OR (s.status = 'withdrawn' AND (e.details ->> 'restorable')::boolean IS TRUE))
         ORDER BY s.purpose`,
        [contactId, channel],
      );
      return this.change(
        contactId,
        channel,
        rows.map((r) => r.purpose),
        'confirmed',
        { ...evidence, details: { ...evidence.details, restored: true } },
        m,
      );
    });
  }

  private async lock(m: EntityManager, contactId: string) {
    const locked: unknown[] = await m.query(`SELECT id FROM contacts WHERE id = $1 FOR UPDATE`, [contactId]);
    if (locked.length === 0) throw new AppError(ErrorCode.NotFound, 'No contact with this id');
  }

  /** Purposes on this channel whose current state is one of `statuses`. */
  async purposesIn(
    contactId: string,
    channel: Channel,
    statuses: ConsentAction[],
    manager: EntityManager = this.db.manager,
  ): Promise<string[]> {
    const rows: { purpose: string }[] = await manager.query(
      `SELECT purpose FROM consent_current WHERE contact_id = $1 AND channel = $2 AND status = ANY($3) ORDER BY purpose`,
      [contactId, channel, statuses],
    );
    return rows.map((r) => r.purpose);
  }

  /** Every event about a contact, oldest first, with its evidence. */
  async history(contactId: string): Promise<ConsentEvent[]> {
    const found: unknown[] = await this.db.query(`SELECT 1 FROM contacts WHERE id = $1`, [contactId]);
    if (found.length === 0) throw new AppError(ErrorCode.NotFound, 'No contact with this id');
    return this.db.getRepository(ConsentEvent).find({ where: { contactId }, order: { id: 'ASC' } });
  }
}
