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
 * One click, in one statement and so one transaction: the address saved with the group's template version for the
 * link's number, and, if the group's links still live, the click appended, its nonce added to the link's set and
 * the link's counts raised (a distinct clicker only when the nonce was new). Nothing is counted that is not also in
 * `link_clicks`, so the counts cannot drift from it, and a crash loses a click only before its answer.
 * `$1` target, `$2` link, `$3` nonce, `$4` the message (only with the analytics consent; gone if erased since).
 */
const CLICK_SQL = `WITH t AS (
         SELECT ct.id, ct.wave_id, ct.segment_id, ct.template_key, ct.template_version, ct.language,
           ct.expires_at > now() AS live, v.links ->> $2::int AS url
         FROM click_targets ct JOIN issue_templates it ON it.key = ct.template_key
         JOIN issue_template_versions v ON v.template_id = it.id AND v.version = ct.template_version
         WHERE ct.id = $1::int
       ), hit AS (
         SELECT * FROM t WHERE live AND url IS NOT NULL
       ), clicked AS (
         INSERT INTO link_clicks (target_id, wave_id, segment_id, template_key, template_version, language,
           link_index, nonce, message_id)
         SELECT id, wave_id, segment_id, template_key, template_version, language, $2::int, $3::bigint,
           (SELECT m.id FROM messages m WHERE m.id = $4::uuid)
         FROM hit
       ), seen AS (
         INSERT INTO link_click_nonces (target_id, link_index, nonce) SELECT id, $2::int, $3::bigint FROM hit
         ON CONFLICT DO NOTHING RETURNING 1
       ), counted AS (
         INSERT INTO link_click_counts (target_id, link_index, wave_id, segment_id, template_key, template_version,
           language, clicks, unique_clicks)
         SELECT id, $2::int, wave_id, segment_id, template_key, template_version, language, 1,
           (SELECT count(*) FROM seen) FROM hit
         ON CONFLICT (target_id, link_index) DO UPDATE SET clicks = link_click_counts.clicks + 1,
           unique_clicks = link_click_counts.unique_clicks + excluded.unique_clicks
       )
       SELECT url, live FROM t`;

export type ClickOutcome = { url: string } | { refused: 'unknown' | 'expired' };

/** The groups tracked links name, and the clicks on them. */
@Injectable()
export class ClicksService implements OnApplicationShutdown {
  private readonly logger = new Logger('Clicks');
  /** Its own small pool: one prepared statement per click, never waiting behind the API's queries. */
  private pool?: pg.Pool;

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

  /** Counts a genuine token's click and answers where it leads, or why it leads nowhere. */
  async record(claims: ClickClaims): Promise<ClickOutcome> {
    const { rows } = await this.connection().query<{ url: string | null; live: boolean }>({
      name: 'record-click',
      text: CLICK_SQL,
      values: [claims.target, claims.link, claims.nonce, claims.messageId ?? null],
    });
    const [row] = rows;
    if (!row || row.url === null) return { refused: 'unknown' };
    if (!row.live) return { refused: 'expired' };
    return { url: row.url };
  }

  private connection(): pg.Pool {
    if (!this.pool) {
      this.pool = new pg.Pool({
        connectionString: (this.db.options as { url: string }).url,
        max: 4,
        options: '-c plan_cache_mode=force_generic_plan',
      });
      this.pool.on('error', (e) => this.logger.warn(`database connection lost: ${e.message}`));
    }
    return this.pool;
  }
}
