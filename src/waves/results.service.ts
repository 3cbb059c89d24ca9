import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { mayReadContacts, type Role } from '../common/roles.js';
import { toCsv, type CsvCell } from '../csv/csv-writer.js';
import { RESULT_COUNTS_SQL, RESULT_SERIES_SQL } from './ledger.js';
import {
  groupCounts,
  ratesOf,
  seriesStep,
  withheld,
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
    const [optOuts, clicks] = await Promise.all([this.optOutsOf(id), this.clicksOf(id)]);
    const labels = await this.views.segmentLabels(
      groups.map((g) => g.key.segmentId).filter((s): s is string => s !== null),
    );
    for (const g of groups) {
      g.counts.optOuts = optOuts.get(groupKey(g.key)) ?? 0;
      totals.optOuts += g.counts.optOuts;
    }
    const readsContacts = mayReadContacts(role);
    const step = seriesStep(wave.status === 'sending' || wave.status === 'paused');
    const series: { at: Date; handedOver: number; delivered: number; bounced: number }[] =
      await this.db.query(RESULT_SERIES_SQL, [id, step]);
    return {
      wave: { id: wave.id, name: wave.name, channel: wave.channel, status: wave.status },
      at,
      totals: { ...totals, rates: ratesOf(totals) },
      groups: groups
        .map(({ key, counts }) => {
          const segment = key.segmentId
            ? { id: key.segmentId, name: labels.get(key.segmentId) ?? null }
            : null;
          const common = { segment, template: key.template, version: key.version, language: key.language };
          if (withheld(counts, readsContacts)) return { ...common, suppressed: true as const };
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
   * Opt-outs attributable to the wave, per group: an unsubscribe through one of its links, an SMS STOP within 72 h
   * of its message. None are attributed yet.
   */
  private optOutsOf(_waveId: string): Promise<Map<string, number>> {
    return Promise.resolve(new Map<string, number>());
  }

  /** Clicks per link of each group's template. None are counted yet. */
  private clicksOf(_waveId: string): Promise<Map<string, LinkClicks[]>> {
    return Promise.resolve(new Map<string, LinkClicks[]>());
  }
}
