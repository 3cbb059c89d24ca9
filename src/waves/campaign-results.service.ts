import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppError, ErrorCode } from '../common/errors.js';
import { mayReadContacts, type Role } from '../common/roles.js';
import { campaignCells, groupCounts, rateOf, ratesOf, type CampaignCell, type CountRow } from './results.js';

/** A segment × issue, as the statements below key it. */
const cellKey = (segmentId: string | null, template: string | null) => JSON.stringify([segmentId, template]);

interface Counted {
  segment_id: string | null;
  template_key: string | null;
  n: number;
}

/**
 * The campaign view: for one segmentation, what each issue did in each segment over all the waves sent to its
 * segments. From the waves' counters, their opt-outs and the tracked links' clickers: never from the ledger's rows.
 */
@Injectable()
export class CampaignResults {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async of(runId: string, role: Role) {
    const [run]: { id: string; created_at: Date }[] = await this.db.query(
      `SELECT id, created_at FROM segmentation_runs WHERE id = $1`,
      [runId],
    );
    if (!run) throw new AppError(ErrorCode.NotFound, 'No segmentation run with this id');
    const waves: { id: string; name: string; channel: string; status: string; launched_at: Date }[] =
      await this.db.query(
        `SELECT id, name, channel, status, launched_at FROM waves
         WHERE audience ->> 'runId' = $1 AND launched_at IS NOT NULL ORDER BY launched_at`,
        [runId],
      );
    const ids = waves.map((w) => w.id);
    const [rows, present, optOuts, clickers] = await Promise.all([
      this.db.query<CountRow[]>(
        `SELECT segment_id, template_key, NULL::int AS template_version, NULL::text AS language, status, code,
             handed, sum(n)::int AS n
           FROM wave_counts WHERE wave_id = ANY($1) GROUP BY 1, 2, 5, 6, 7 HAVING sum(n) <> 0`,
        [ids],
      ),
      this.db.query<(Counted & { wave_id: string })[]>(
        `SELECT wave_id, segment_id, template_key, sum(n)::int AS n FROM wave_counts
           WHERE wave_id = ANY($1) GROUP BY 1, 2, 3 HAVING sum(n) <> 0`,
        [ids],
      ),
      this.db.query<Counted[]>(
        `SELECT segment_id, template_key, count(*)::int AS n FROM wave_opt_outs WHERE wave_id = ANY($1)
           GROUP BY 1, 2`,
        [ids],
      ),
      // A message's links share its nonce: distinct nonces of a group are its messages with a click.
      this.db.query<Counted[]>(
        `SELECT t.segment_id, t.template_key, count(DISTINCT (n.target_id, n.nonce))::int AS n
           FROM link_click_nonces n JOIN click_targets t ON t.id = n.target_id WHERE t.wave_id = ANY($1)
           GROUP BY 1, 2`,
        [ids],
      ),
    ]);
    const byCell = (list: Counted[]) =>
      new Map(list.map((r) => [cellKey(r.segment_id, r.template_key), r.n]));
    const opted = byCell(optOuts);
    const clicked = byCell(clickers);
    const cells: CampaignCell[] = groupCounts(rows).groups.map(({ key, counts }) => {
      const k = cellKey(key.segmentId, key.template);
      counts.optOuts = opted.get(k) ?? 0;
      return {
        segmentId: key.segmentId,
        template: key.template,
        counts,
        clickers: clicked.get(k) ?? 0,
        waveIds: present.filter((p) => cellKey(p.segment_id, p.template_key) === k).map((p) => p.wave_id),
      };
    });
    const segments: { id: string; name: string | null; label_de: string; label_en: string }[] =
      await this.db.query(
        `SELECT id, name, label_de, label_en FROM segments WHERE run_id = $1 ORDER BY index`,
        [runId],
      );
    const named = new Map(
      segments.map((s) => [s.id, { id: s.id, name: s.name, label: { de: s.label_de, en: s.label_en } }]),
    );
    const issues: { key: string; name: { de: string; en: string } }[] = await this.db.query(
      `SELECT key, name FROM issue_templates WHERE key = ANY($1) ORDER BY key`,
      [[...new Set(cells.map((c) => c.template).filter((k): k is string => k !== null))]],
    );
    return {
      run: { id: run.id, createdAt: run.created_at },
      issues,
      segments: [...named.values()],
      waves: waves.map((w) => ({ id: w.id, name: w.name, channel: w.channel, status: w.status })),
      cells: campaignCells(cells, mayReadContacts(role)).map((c) => ({
        segment: c.segmentId ? (named.get(c.segmentId) ?? null) : null,
        template: c.template,
        merged: c.merged,
        suppressed: c.suppressed,
        waveIds: c.waveIds,
        ...(!c.suppressed && {
          ...c.counts,
          clickers: c.clickers,
          rates: { ...ratesOf(c.counts), clicked: rateOf(c.clickers, c.counts.handedOver) },
        }),
      })),
    };
  }
}
