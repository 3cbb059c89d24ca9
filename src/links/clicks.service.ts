import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { Env } from '../config/config.js';
import type { ClickClaims } from './click-token.js';

/** A wave's group, as a tracked link names it (through its `click_targets` row). */
export interface ClickGroup {
  waveId: string;
  segmentId: string | null;
  templateKey: string;
  templateVersion: number;
  language: string;
}

export const groupKey = (g: ClickGroup) =>
  `${g.waveId}|${g.segmentId ?? ''}|${g.templateKey}@${g.templateVersion}|${g.language}`;

/** Each group's row, made once (the first message rendered for it starts its links' lifetime). */
const TARGETS_SQL = `WITH g AS (
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[], $5::text[])
           AS g(wave_id, segment_id, template_key, template_version, language)
       ), made AS (
         INSERT INTO click_targets (wave_id, segment_id, template_key, template_version, language, expires_at)
         SELECT g.*, now() + make_interval(days => $6) FROM g ON CONFLICT DO NOTHING
         RETURNING id, wave_id, segment_id, template_key, template_version, language
       )
       SELECT * FROM made UNION ALL
       SELECT t.id, t.wave_id, t.segment_id, t.template_key, t.template_version, t.language
       FROM click_targets t JOIN g ON t.wave_id = g.wave_id AND t.segment_id IS NOT DISTINCT FROM g.segment_id
         AND t.template_key = g.template_key AND t.template_version = g.template_version AND t.language = g.language`;

/**
 * A batch of clicks, in one statement and so one transaction: for each, the address saved with its group's template
 * version for the link's number, and, if the group's links still live, the click appended, its nonce added to the
 * link's set, and the link's counts raised once per batch (distinct clickers by the nonces that were new). Nothing is
 * counted that is not also in `link_clicks`, so the counts cannot drift from it; a click is answered only once its
 * batch is committed, so a crash loses none that was followed. Rows are locked in key order, so that two batches
 * never wait for each other in a circle. Parameters: the clicks' order in the batch, target, link, nonce and message
 * (only with the analytics consent; null if erased since).
 */
const CLICKS_SQL = `WITH c AS (
         SELECT * FROM unnest($1::int[], $2::int[], $3::int[], $4::bigint[], $5::uuid[])
           AS c(ord, target_id, link_index, nonce, message_id)
       ), t AS (
         SELECT c.*, ct.wave_id, ct.segment_id, ct.template_key, ct.template_version, ct.language,
           ct.expires_at > now() AS live, v.links ->> c.link_index AS url
         FROM c JOIN click_targets ct ON ct.id = c.target_id JOIN issue_templates it ON it.key = ct.template_key
         JOIN issue_template_versions v ON v.template_id = it.id AND v.version = ct.template_version
       ), hit AS MATERIALIZED (
         SELECT * FROM t WHERE live AND url IS NOT NULL
       ), clicked AS (
         INSERT INTO link_clicks (target_id, wave_id, segment_id, template_key, template_version, language,
           link_index, nonce, message_id)
         SELECT target_id, wave_id, segment_id, template_key, template_version, language, link_index, nonce,
           (SELECT m.id FROM messages m WHERE m.id = hit.message_id)
         FROM hit ORDER BY ord
       ), seen AS (
         INSERT INTO link_click_nonces (target_id, link_index, nonce)
         SELECT DISTINCT target_id, link_index, nonce FROM hit ORDER BY 1, 2, 3
         ON CONFLICT DO NOTHING RETURNING target_id, link_index
       ), counted AS (
         INSERT INTO link_click_counts (target_id, link_index, wave_id, segment_id, template_key, template_version,
           language, clicks, unique_clicks)
         SELECT h.target_id, h.link_index, h.wave_id, h.segment_id, h.template_key, h.template_version, h.language,
           count(*), (SELECT count(*) FROM seen s WHERE s.target_id = h.target_id AND s.link_index = h.link_index)
         FROM hit h GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2
         ON CONFLICT (target_id, link_index) DO UPDATE SET clicks = link_click_counts.clicks + excluded.clicks,
           unique_clicks = link_click_counts.unique_clicks + excluded.unique_clicks
       )
       SELECT ord, url, live FROM t`;

/** Clicks that arrive while a batch is being written wait for the next one (at most this many). */
const MAX_BATCH = 500;

interface Pending {
  claims: ClickClaims;
  done: (outcome: ClickOutcome) => void;
  failed: (e: unknown) => void;
}

export type ClickOutcome = { url: string } | { refused: 'unknown' | 'expired' };

/** The groups tracked links name, and the clicks on them. */
@Injectable()
export class ClicksService implements OnApplicationShutdown {
  private readonly logger = new Logger('Clicks');
  /** Its own connection for the click batches, one prepared statement, never waiting behind the API's queries. */
  private pool?: pg.Pool;
  private waiting: Pending[] = [];
  private writing = false;

  constructor(
    private readonly env: Env,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async onApplicationShutdown() {
    await this.pool?.end();
  }

  /** The `click_targets` id of each group, made where missing, by group key. */
  async targets(groups: ClickGroup[]): Promise<Map<string, number>> {
    const rows: {
      id: number;
      wave_id: string;
      segment_id: string | null;
      template_key: string;
      template_version: number;
      language: string;
    }[] = await this.db.query(TARGETS_SQL, [
      groups.map((g) => g.waveId),
      groups.map((g) => g.segmentId),
      groups.map((g) => g.templateKey),
      groups.map((g) => g.templateVersion),
      groups.map((g) => g.language),
      this.env.LINK_TTL_DAYS,
    ]);
    return new Map(
      rows.map((r) => [
        groupKey({
          waveId: r.wave_id,
          segmentId: r.segment_id,
          templateKey: r.template_key,
          templateVersion: r.template_version,
          language: r.language,
        }),
        r.id,
      ]),
    );
  }

  /**
   * Counts a genuine token's click and answers where it leads, or why it leads nowhere. Clicks are written in
   * batches, one at a time: the clicks that come in while one batch commits go together in the next. A link followed
   * by thousands at once so costs one commit per batch, not a wait for every click before it on the same counter.
   */
  record(claims: ClickClaims): Promise<ClickOutcome> {
    return new Promise((done, failed) => {
      this.waiting.push({ claims, done, failed });
      if (!this.writing) void this.write();
    });
  }

  private async write() {
    this.writing = true;
    while (this.waiting.length) {
      const batch = this.waiting.splice(0, MAX_BATCH);
      try {
        const { rows } = await this.connection().query<{ ord: number; url: string | null; live: boolean }>({
          name: 'record-clicks',
          text: CLICKS_SQL,
          values: [
            batch.map((_, i) => i),
            batch.map((p) => p.claims.target),
            batch.map((p) => p.claims.link),
            batch.map((p) => p.claims.nonce),
            batch.map((p) => p.claims.messageId ?? null),
          ],
        });
        const found = new Map(rows.map((r) => [r.ord, r]));
        batch.forEach((p, i) => {
          const row = found.get(i);
          p.done(
            !row || row.url === null
              ? { refused: 'unknown' }
              : row.live
                ? { url: row.url }
                : { refused: 'expired' },
          );
        });
      } catch (e) {
        this.logger.error(`clicks not recorded: ${String(e)}`);
        for (const p of batch) p.failed(e);
      }
    }
    this.writing = false;
  }

  private connection(): pg.Pool {
    if (!this.pool) {
      this.pool = new pg.Pool({
        connectionString: (this.db.options as { url: string }).url,
        max: 1,
        options: '-c plan_cache_mode=force_generic_plan',
      });
      this.pool.on('error', (e) => this.logger.warn(`database connection lost: ${e.message}`));
    }
    return this.pool;
  }
}
