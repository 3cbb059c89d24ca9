import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { OptOutVia } from './wave-opt-out.entity.js';

/** An SMS STOP counts for the wave of the campaign SMS the person got within this many hours before it. */
export const STOP_ATTRIBUTION_HOURS = 72;

/**
 * What providers' reports call a complaint (the recipient marked the message as spam), in lower case: one list for
 * every screen and count that shows complaints.
 */
export const COMPLAINT_REPORTS = ['complaint', 'complained', 'spamreport', 'spamcomplaint', 'abuse'];
/**
 * The same as a condition on a `message_events` column (`reported`, or `e.reported`): word for word the condition of
 * the partial index that finds a wave's complaints (`IDX_message_events_complaint_wave`).
 */
export const isComplaintSql = (reported: string) =>
  `lower(${reported}) IN (${COMPLAINT_REPORTS.map((r) => `'${r}'`).join(', ')})`;

/** The wave_opt_outs row for one campaign message, copied from the ledger; nothing when there is one already. */
const ATTRIBUTE_SQL = (message: string) => `
  INSERT INTO wave_opt_outs (wave_id, message_id, segment_id, template_key, template_version, language, channel, via,
    occurred_at)
  SELECT m.wave_id, m.id, m.segment_id, m.template_key, m.template_version, m.language, m.channel, $2,
    date_trunc('minute', now())
  FROM messages m WHERE ${message} AND m.kind = 'campaign' AND m.wave_id IS NOT NULL
  ON CONFLICT (message_id) DO NOTHING`;

/**
 * Opt-outs that count for a wave. Each is written in the transaction of the withdrawal it follows, and only when that
 * withdrawal changed the consent, so a second click or a second STOP adds nothing.
 */
@Injectable()
export class OptOutsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** An unsubscribe through a link of the campaign message `messageId`, sent to `contactId`. */
  async throughLink(m: EntityManager, messageId: string, contactId: string, via: OptOutVia) {
    await m.query(ATTRIBUTE_SQL(`m.id = $1 AND m.contact_id = $3`), [messageId, via, contactId]);
  }

  /**
   * An SMS STOP that withdrew `purposes`: it counts for the latest campaign SMS of one of those purposes handed over
   * to the contact within STOP_ATTRIBUTION_HOURS before it and not known to have failed, if there is one.
   */
  async throughStop(m: EntityManager, contactId: string, purposes: string[]) {
    await m.query(
      ATTRIBUTE_SQL(`m.id = (
        SELECT x.id FROM messages x
        WHERE x.contact_id = $1 AND x.channel = 'sms' AND x.kind = 'campaign' AND x.wave_id IS NOT NULL
          AND x.purpose = ANY($3) AND x.handed_over_at > now() - make_interval(hours => ${STOP_ATTRIBUTION_HOURS})
          AND (x.status IN ('sending', 'sent', 'delivered') OR x.error_code = 'ambiguous')
        ORDER BY x.handed_over_at DESC LIMIT 1)`),
      [contactId, 'stop' satisfies OptOutVia, purposes],
    );
  }

  /**
   * A contact's opt-outs that counted for a wave and the complaints providers reported about its messages, oldest
   * first: what its timeline shows beside the consent events.
   */
  async ofContact(contactId: string) {
    const [optOuts, complaints] = await Promise.all([
      this.db.query<Record<string, unknown>[]>(
        `SELECT o.id, o.occurred_at AS "occurredAt", o.channel, o.via, m.purpose,
           json_build_object('id', w.id, 'name', w.name) AS wave
         FROM wave_opt_outs o JOIN messages m ON m.id = o.message_id JOIN waves w ON w.id = o.wave_id
         WHERE m.contact_id = $1 ORDER BY o.occurred_at, o.id`,
        [contactId],
      ),
      this.db.query<Record<string, unknown>[]>(
        `SELECT e.id, e.received_at AS "receivedAt", e.channel, e.reported, m.purpose,
           CASE WHEN w.id IS NULL THEN NULL ELSE json_build_object('id', w.id, 'name', w.name) END AS wave
         FROM messages m JOIN message_events e ON e.message_id = m.id LEFT JOIN waves w ON w.id = m.wave_id
         WHERE m.contact_id = $1 AND lower(e.reported) = ANY($2) ORDER BY e.received_at, e.id`,
        [contactId, COMPLAINT_REPORTS],
      ),
    ]);
    return { optOuts, complaints };
  }
}
