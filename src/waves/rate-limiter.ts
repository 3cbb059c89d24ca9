import type { Pool } from 'pg';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * At most `perSecond` grants per channel and second of the database's clock, shared by every worker on any machine.
 * Workers take small chunks so that most sends cost no round trip; an unused chunk expires with its second.
 */
export class DatabaseRateLimiter {
  private tokens = 0;
  private second = -1;
  private readonly chunk: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly pool: Pool,
    private readonly channel: string,
    private readonly perSecond: number,
  ) {
    this.chunk = Math.max(1, Math.min(20, Math.floor(perSecond / 20)));
  }

  /** Tokens taken but not used (nothing to send after all) serve later sends within the same second. */
  giveBack(count: number) {
    if (Math.floor(Date.now() / 1000) === this.second) this.tokens += count;
  }

  /** One token; the lanes of a channel share this limiter, so their requests are served one at a time. */
  take(): Promise<void> {
    if (this.perSecond <= 0) return Promise.resolve();
    const taken = this.queue.then(() => this.takeOne());
    this.queue = taken.catch(() => undefined);
    return taken;
  }

  private async takeOne(): Promise<void> {
    for (;;) {
      if (this.tokens > 0 && Math.floor(Date.now() / 1000) === this.second) {
        this.tokens--;
        return;
      }
      for (const size of this.chunk > 1 ? [this.chunk, 1] : [1]) {
        const { rows } = await this.pool.query<{ second: string }>(
          `INSERT INTO rate_windows (channel, second, used)
           VALUES ($1, floor(extract(epoch FROM clock_timestamp()))::bigint, $2)
           ON CONFLICT (channel, second) DO UPDATE SET used = rate_windows.used + EXCLUDED.used
             WHERE rate_windows.used + EXCLUDED.used <= $3
           RETURNING second`,
          [this.channel, size, this.perSecond],
        );
        if (rows.length) {
          this.second = Number(rows[0].second);
          this.tokens = size - 1;
          return;
        }
      }
      await sleep(1000 - (Date.now() % 1000) + 2);
    }
  }
}
