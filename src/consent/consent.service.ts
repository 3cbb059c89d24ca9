import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AppError, ErrorCode } from '../common/errors.js';
import { Env } from '../config/config.js';
import { addressSql } from './addresses.js';
import {
  describeConsentEvent,
  type Channel,
  type ConsentAction,
  type ConsentSource,
  type ConsentStatus,
} from './consent.js';
import { ConsentEvent } from './consent-event.entity.js';
import {
  confirmationAskedSql,
  refusalSql,
  suppressedSql,
  type GateDecision,
  type Refusal,
  type SendKind,
} from './send-rules.js';

export interface Evidence {
  source: ConsentSource;
  ip?: string | null;
  userAgent?: string | null;
  textVersion?: string | null;
  staffUserId?: string | null;
  occurredAt?: Date;
  details?: Record<string, unknown>;
}

/**
 * The facts the gate judges for contact row `contact` (with `s`, its consent row for the purpose, joined), on the
 * channel `channel` (`channelSql` the same as SQL). With `secondAsk`, a confirmation request may follow one that went.
 */
function gateFacts(channel: Channel, contact: string, channelSql: string, secondAsk: boolean) {
  const address = addressSql(channel, contact);
  return {
    status: 's.status',
    requested: `(SELECT array_agg(q.purpose) FROM consent_current q
        WHERE q.contact_id = ${contact}.id AND q.channel = ${channelSql} AND q.status = 'requested')`,
    hasAddress: `(${address} IS NOT NULL)`,
    suppressed: `(${address} IS NOT NULL AND ${suppressedSql(address)})`,
    confirmationSent: confirmationAskedSql(`${contact}.id`, channelSql, secondAsk),
  };
}

/**
 * Why no confirmation request may be queued for contact row `c` on `channel` (SQL, NULL when one may): the gate's
 * rules for the confirmation kind. One definition for a single request, a release of many and the count before it.
 */
export const confirmationRefusalSql = (channel: Channel): string =>
  refusalSql(gateFacts(channel, 'c', `'${channel}'`, false), 'confirmation');

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
    secondAsk = false,
  ): Promise<GateDecision> {
    const refusal = refusalSql(gateFacts(channel, 'c', '$2', secondAsk), kind);
    const rows: { refusal: Refusal | null }[] = await manager.query(
      `SELECT ${refusal} AS refusal FROM contacts c
       LEFT JOIN consent_current s ON s.contact_id = c.id AND s.channel = $2 AND s.purpose = $3
       WHERE c.id = $1`,
      [contactId, channel, purpose],
    );
    if (rows.length === 0) return { allowed: false, reason: 'erased' };
    return rows[0].refusal ? { allowed: false, reason: rows[0].refusal } : { allowed: true };
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
  async withdrawGiven(
    contactId: string,
    channel: Channel,
    evidence: Evidence,
    manager?: EntityManager,
  ): Promise<string[]> {
    const run = async (m: EntityManager) => {
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
    };
    return manager ? run(manager) : this.db.transaction(run);
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

  /** The current consent per channel × purpose and every event with its evidence, each said in words. */
  async timeline(contactId: string) {
    const events = await this.history(contactId);
    return {
      states: await this.states(contactId),
      events: events.map((e) => ({ ...e, description: describeConsentEvent(e) })),
    };
  }

  /** Every event about a contact, oldest first, with its evidence. */
  async history(contactId: string): Promise<ConsentEvent[]> {
    const found: unknown[] = await this.db.query(`SELECT 1 FROM contacts WHERE id = $1`, [contactId]);
    if (found.length === 0) throw new AppError(ErrorCode.NotFound, 'No contact with this id');
    return this.db.getRepository(ConsentEvent).find({ where: { contactId }, order: { id: 'ASC' } });
  }
}
