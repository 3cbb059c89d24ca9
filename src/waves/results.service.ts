import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { mayReadContacts, type Role } from '../common/roles.js';
import { isComplaintSql } from '../messaging/opt-outs.service.js';
import { toCsv, type CsvCell } from '../csv/csv-writer.js';
import { RESULT_COUNTS_SQL, RESULT_SERIES_SQL } from './ledger.js';
import {
  groupCounts,
  ratesOf,
  seriesStep,
  withheldGroups,
  type CountRow,
  type Counts,
  type GroupKey,
  type LinkClicks,
} from './results.js';
import { WaveViews } from './wave-views.js';

/** What a group's opt-outs and clicks are keyed by: its segment, template, version and language. */
const groupKey = (k: GroupKey) => JSON.stringify([k.segmentId, k.template, k.version, k.language]);

/** A wave's results, from its counters: cheap for a wave of any size. */
@Injectable()
export class WaveResults {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly views: WaveViews,
  ) {}

  /** The wave's results per group and over time, as `role` may see them. */
  async results(id: string, role: Role) {
    const wave = await this.views.find(id);
    const at = new Date();
    const rows: CountRow[] = await this.db.query(RESULT_COUNTS_SQL, [id]);
    const { totals, groups } = groupCounts(rows);
    const [{ optOuts, complaints }, clicks] = await Promise.all([this.optOutsOf(id), this.clicksOf(id)]);
    const labels = await this.views.segmentLabels(
      groups.map((g) => g.key.segmentId).filter((s): s is string => s !== null),
    );
    for (const g of groups) {
      g.counts.optOuts = optOuts.get(groupKey(g.key)) ?? 0;
      g.counts.complaints = complaints.get(groupKey(g.key)) ?? 0;
      totals.optOuts += g.counts.optOuts;
      totals.complaints += g.counts.complaints;
    }
    const hidden = withheldGroups(
      groups.map((g) => g.counts),
      mayReadContacts(role),
    );
    const step = seriesStep(wave.status === 'sending' || wave.status === 'paused');
    const series: { at: Date; handedOver: number; delivered: number; bounced: number }[] =
      await this.db.query(RESULT_SERIES_SQL, [id, step]);
    return {
      wave: { id: wave.id, name: wave.name, channel: wave.channel, status: wave.status },
      at,
      totals: { ...totals, rates: ratesOf(totals) },
      groups: groups
        .map(({ key, counts }, i) => {
          const segment = key.segmentId
            ? { id: key.segmentId, name: labels.get(key.segmentId) ?? null }
            : null;
          const common = { segment, template: key.template, version: key.version, language: key.language };
          if (hidden[i]) return { ...common, suppressed: true as const };
          return {
            ...common,
            suppressed: false as const,
            ...counts,
            clicks: clicks.get(groupKey(key)) ?? [],
            rates: ratesOf(counts),
          };
        })
        .sort(
          (a, b) =>
            (a.segment?.name ?? '').localeCompare(b.segment?.name ?? '') ||
            (a.template ?? '').localeCompare(b.template ?? '') ||
            (a.version ?? 0) - (b.version ?? 0) ||
            (a.language ?? '').localeCompare(b.language ?? ''),
        ),
      series: { step, buckets: series },
    };
  }

  /** The groups as CSV, withheld the same way (formula-safe: see `toCsv`). */
  async csv(id: string, role: Role): Promise<string> {
    const { groups } = await this.results(id, role);
    const figures: (keyof Counts)[] = [
      'messages',
      'handedOver',
      'delivered',
      'bounced',
      'softBounces',
      'hardBounces',
      'failed',
      'complaints',
      'optOuts',
      'skipped',
      'pending',
    ];
    const rows = groups.map((g): CsvCell[] => [
      g.segment?.name ?? null,
      g.segment?.id ?? null,
      g.template,
      g.version,
      g.language,
      ...(g.suppressed ? figures.map((_, i) => (i === 0 ? 'fewer than 5' : null)) : figures.map((f) => g[f])),
      g.suppressed ? null : g.clicks.reduce((s, l) => s + l.clicks, 0),
    ]);
    return toCsv(['segment', 'segmentId', 'template', 'version', 'language', ...figures, 'clicks'], rows);
  }

  /**
   * Opt-outs attributable to the wave, per group (`wave_opt_outs`: an unsubscribe through one of its links, an SMS
   * STOP within 72 h of its message), and complaints about its messages (provider reports, few by nature).
   */
  private async optOutsOf(waveId: string) {
    type Row = {
      segment_id: string | null;
      template_key: string | null;
      template_version: number | null;
      language: string | null;
      n: number;
    };
    const [optOuts, complaints] = await Promise.all([
      this.db.query<Row[]>(
        `SELECT segment_id, template_key, template_version, language, count(*)::int AS n FROM wave_opt_outs
           WHERE wave_id = $1 GROUP BY 1, 2, 3, 4`,
        [waveId],
      ),
      this.db.query<Row[]>(
        `SELECT m.segment_id, m.template_key, m.template_version, m.language, count(DISTINCT m.id)::int AS n
           FROM message_events e JOIN messages m ON m.id = e.message_id
           WHERE e.wave_id = $1 AND ${isComplaintSql('e.reported')} GROUP BY 1, 2, 3, 4`,
        [waveId],
      ),
    ]);
    const byGroup = (rows: Row[]) =>
      new Map(
        rows.map((r) => [
          groupKey({
            segmentId: r.segment_id,
            template: r.template_key,
            version: r.template_version,
            language: r.language,
          }),
          r.n,
        ]),
      );
    return { optOuts: byGroup(optOuts), complaints: byGroup(complaints) };
  }

  /** Clicks per link of each group's template, with the address the link leads to (`link_click_counts`). */
  private async clicksOf(waveId: string): Promise<Map<string, LinkClicks[]>> {
    const rows: {
      segment_id: string | null;
      template_key: string;
      template_version: number;
      language: string;
      link: number;
      url: string | null;
      clicks: number;
      unique_clicks: number;
    }[] = await this.db.query(
      `SELECT c.segment_id, c.template_key, c.template_version, c.language, c.link_index AS link,
         v.links ->> c.link_index AS url, c.clicks::int AS clicks, c.unique_clicks::int AS unique_clicks
       FROM link_click_counts c LEFT JOIN issue_templates t ON t.key = c.template_key
       LEFT JOIN issue_template_versions v ON v.template_id = t.id AND v.version = c.template_version
       WHERE c.wave_id = $1 ORDER BY c.link_index`,
      [waveId],
    );
    const clicks = new Map<string, LinkClicks[]>();
    for (const r of rows) {
      const key = groupKey({
        segmentId: r.segment_id,
        template: r.template_key,
        version: r.template_version,
        language: r.language,
      });
      clicks.set(key, [
        ...(clicks.get(key) ?? []),
        { link: r.link, url: r.url, clicks: r.clicks, uniqueClicks: r.unique_clicks },
      ]);
    }
    return clicks;
  }
}
