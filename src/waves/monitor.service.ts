import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Env } from '../config/config.js';
import { ANOMALY_MEANINGS, type ReportAnomaly } from '../messaging/provider-report.js';
import { PROGRESS_SQL, SENT_BUCKETS_SQL } from './ledger.js';
import {
  bucketSeconds,
  failuresOf,
  progressOf,
  sentSeries,
  skipsOf,
  type LedgerGroup,
  type SentBucket,
} from './monitor.js';
import type { Wave } from './wave.entities.js';
import { WaveViews } from './wave-views.js';

/** How far a wave has got: for its page, and for a live monitor polled every few seconds. */
@Injectable()
export class WaveMonitor {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly env: Env,
    private readonly views: WaveViews,
  ) {}

  /** The wave with its progress: counts by status, the rate over the last minute and the expected end. */
  async detail(wave: Wave) {
    const { groups, sent, now } = await this.ledgerGroups(wave);
    return {
      ...(await this.views.of([wave]))[0],
      progress: progressOf(
        groups,
        now,
        { from: wave.launchedAt, to: wave.completedAt ?? now },
        recentOf(sent),
      ),
    };
  }

  /**
   * What a live monitor shows, from the wave's counters (not its rows, so a poll costs the same for any size): its progress, the messages handed to the
   * provider per time bucket, the failures by code and the skips by reason.
   */
  async progress(id: string) {
    const wave = await this.views.find(id);
    const { groups, sent, now, bucket } = await this.ledgerGroups(wave);
    const rate = wave.channel === 'email' ? this.env.EMAIL_PER_SECOND : this.env.SMS_PER_SECOND;
    const series = sentSeries(sent, bucket, wave.launchedAt, wave.completedAt ?? now);
    return {
      id: wave.id,
      status: wave.status,
      channel: wave.channel,
      at: now,
      ...progressOf(groups, now, { from: wave.launchedAt, to: wave.completedAt ?? now }, recentOf(sent)),
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

  /** The wave's counters for its progress, with buckets sized for the time it has been sending. */
  private async ledgerGroups(wave: Wave) {
    const now = new Date();
    const end = wave.completedAt ?? now;
    const bucket = bucketSeconds(wave.launchedAt ? (end.getTime() - wave.launchedAt.getTime()) / 1000 : 0);
    const [groups, sent] = await Promise.all([
      this.db.query<LedgerGroup[]>(PROGRESS_SQL, [wave.id]),
      this.db.query<SentBucket[]>(SENT_BUCKETS_SQL, [wave.id, bucket]),
    ]);
    return { groups, sent, now, bucket };
  }
}

const recentOf = (sent: SentBucket[]) => sent.reduce((s, b) => s + b.recent, 0);
