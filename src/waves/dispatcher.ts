import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { EmailChannel } from '../channels/email.channel.js';
import { SmsChannel } from '../channels/sms.channel.js';
import { isHardBounce, type SendOutcome } from '../channels/delivery.js';
import { Env } from '../config/config.js';
import type { Channel } from '../consent/consent.js';
import { campaignRefusalSql } from '../consent/consent-gate.js';
import { LinkService } from '../links/link.service.js';
import { MessagingService } from '../messaging/messaging.service.js';
import { renderMessage } from '../templates/render-message.js';
import { parseFrequencyCap } from './audience.js';
import { DatabaseRateLimiter } from './rate-limiter.js';
import { Wave } from './wave.entities.js';
import { placeholderValues, WavesService } from './waves.service.js';

const BATCH = 100;
const IDLE_MS = 200;
const MAX_BACKOFF_S = 3600;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Claimed {
  id: string;
  wave_id: string;
  contact_id: string;
  channel: Channel;
  purpose: string;
  template_key: string;
  template_version: number;
  language: 'de' | 'en';
  attempts: number;
}

/** `send`, `release` (wave paused), `defer` (quiet hours), or the reason it is skipped. */
type Decision = string;

/**
 * Sends the ledger. Any number of these, in any number of processes, share the work: each claims a batch of due
 * rows (FOR UPDATE SKIP LOCKED) under a lease, and just before each message one statement re-checks the wave's
 * state, the cut-off, the consent gate, the frequency cap and quiet hours and marks the row `sending` (a durable
 * commit). Only then is the message handed to the provider, and the answer recorded.
 *
 * A worker that dies leaves `claimed` rows (never handed over: queued again when the lease ends) and at most one
 * `sending` row per message in flight: it may or may not have reached the provider, and it is marked `failed` with
 * the code `ambiguous`, never resent, because nobody may get a wave twice.
 */
@Injectable()
export class Dispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Dispatcher');
  readonly worker: string;
  private running = false;
  private loops: Promise<void>[] = [];
  private durable?: pg.Pool;
  private fast?: pg.Pool;
  private lastHousekeeping = 0;
  private housekeeping?: Promise<void>;

  constructor(
    private readonly env: Env,
    @InjectDataSource() private readonly db: DataSource,
    private readonly waves: WavesService,
    private readonly messaging: MessagingService,
    private readonly links: LinkService,
    private readonly email: EmailChannel,
    private readonly sms: SmsChannel,
  ) {
    this.worker = env.WORKER_NAME ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  }

  onApplicationBootstrap() {
    if (this.env.DISPATCH_IN_API === 'true') this.start();
  }

  async onApplicationShutdown() {
    await this.stop();
  }

  start() {
    if (this.running) return;
    const url = (this.db.options as { url: string }).url;
    this.durable = new pg.Pool({ connectionString: url, max: 4 });
    // Outcomes and rate windows: a lost commit here can only happen with the database server itself, and then the
    // row stays `sending` (ambiguous, never resent) or a rate grant is forgotten.
    this.fast = new pg.Pool({ connectionString: url, max: 4, options: '-c synchronous_commit=off' });
    // An idle connection the server closes (a restart, a failover) is replaced on next use; it must not crash us.
    for (const pool of [this.durable, this.fast])
      pool.on('error', (e) => this.logger.warn(`database connection lost: ${e.message}`));
    this.running = true;
    this.loops = (['email', 'sms'] as const).map((channel) =>
      this.loop(channel).catch((e: unknown) => this.logger.error(`${channel} loop stopped: ${String(e)}`)),
    );
    this.logger.log(`dispatching as ${this.worker}`);
  }

  async stop() {
    if (!this.running) return;
    this.logger.log('stopping');
    this.running = false;
    await Promise.all(this.loops);
    await this.housekeeping;
    await this.durable?.end();
    await this.fast?.end();
  }

  private async loop(channel: Channel) {
    const concurrency = channel === 'email' ? this.env.EMAIL_CONCURRENCY : this.env.SMS_CONCURRENCY;
    const limiter = new DatabaseRateLimiter(
      this.fast!,
      channel,
      channel === 'email' ? this.env.EMAIL_PER_SECOND : this.env.SMS_PER_SECOND,
    );
    await this.recover(true);
    while (this.running) {
      try {
        await this.round(channel, concurrency, limiter);
      } catch (e) {
        // A lost connection or a restarting database: log, wait, go on; leases protect the claimed rows.
        if (!this.running) break;
        this.logger.error(`${channel}: ${String(e)}`);
        await sleep(1000);
      }
    }
  }

  /**
   * Claims one batch and sends it as a pipeline of at most `concurrency` messages between hand-over and recorded
   * outcome: whenever half the slots are free, the next messages are checked and marked `sending` by one statement
   * and go out at once; each outcome is recorded as soon as it comes, and only then is its slot free again. So at
   * most `concurrency` rows per worker are ever `sending`: the ambiguous window if the worker dies.
   */
  private async round(channel: Channel, concurrency: number, limiter: DatabaseRateLimiter) {
    await this.tick();
    const batch = await this.claim(channel);
    if (batch.length === 0) return sleep(IDLE_MS);
    const prepared = await this.prepare(batch);
    const inFlight = new Set<Promise<void>>();
    const group = Math.max(1, Math.floor(concurrency / 2));
    let next = 0;
    while (next < batch.length && this.running) {
      while (concurrency - inFlight.size < Math.min(group, batch.length - next)) await Promise.race(inFlight);
      const take = batch.slice(next, next + Math.min(concurrency - inFlight.size, batch.length - next));
      next += take.length;
      for (let i = 0; i < take.length; i++) await limiter.take();
      const decided = await this.handOver(
        channel,
        take.map((m) => m.id),
      );
      for (const message of take) {
        const { decision, address } = decided.get(message.id) ?? {};
        if (decision !== 'send' || !address) continue;
        const work: Promise<void> = this.send(message, address, prepared)
          .catch((e: unknown): SendOutcome => ({
            ok: false,
            permanent: true,
            code: 'internal',
            reason: String(e),
          }))
          .then((outcome) => this.record(message, outcome))
          .catch((e: unknown) => this.logger.error(`message ${message.id}: ${String(e)}`))
          .finally(() => inFlight.delete(work));
        inFlight.add(work);
      }
    }
    await Promise.all(inFlight);
    // Rows of a batch cut short by stop() keep their lease and are queued again when it ends.
  }

  private async claim(channel: Channel): Promise<Claimed[]> {
    const { rows } = await this.durable!.query<Claimed>(
      `UPDATE messages m SET status = 'claimed', claimed_by = $1, lease_until = now() + make_interval(secs => $2)
       WHERE m.id IN (
         SELECT x.id FROM messages x JOIN waves w ON w.id = x.wave_id
         WHERE x.status = 'queued' AND x.channel = $3 AND x.due_at <= now() AND w.status = 'sending'
         ORDER BY x.due_at, x.id LIMIT $4 FOR UPDATE OF x SKIP LOCKED)
       RETURNING m.id, m.wave_id, m.contact_id, m.channel, m.purpose, m.template_key, m.template_version,
         m.language, m.attempts`,
      [this.worker, this.env.LEASE_SECONDS, channel, BATCH],
    );
    // Oldest first, then by id: the order in which a wave's messages go out is predictable.
    return rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  private async prepare(batch: Claimed[]) {
    const waveIds = [...new Set(batch.map((m) => m.wave_id))];
    const waves = await this.db.getRepository(Wave).findBy(waveIds.map((id) => ({ id })));
    const values = new Map<string, Record<string, string>>();
    for (const wave of waves) {
      const ids = batch.filter((m) => m.wave_id === wave.id && m.contact_id).map((m) => m.contact_id);
      for (const [id, v] of await placeholderValues(this.db.manager, ids, wave))
        values.set(`${wave.id}/${id}`, v);
    }
    const contents = await this.waves.contents(batch);
    return { values, contents };
  }

  /** The last check and the hand-over mark, in one statement: what it decides is what happens. */
  private async handOver(
    channel: Channel,
    ids: string[],
  ): Promise<Map<string, { decision: Decision; address: string | null }>> {
    const address = channel === 'email' ? 'c.email' : 'c.phone';
    const cap = parseFrequencyCap(this.env.FREQUENCY_CAP);
    const hours = channel === 'email' ? this.env.QUIET_HOURS_EMAIL : this.env.QUIET_HOURS_SMS;
    const quiet = hours === 'off' ? [] : hours.split('-').map(Number);
    const { rows } = await this.durable!.query<{ id: string; decision: Decision; address: string | null }>(
      `WITH target AS (
         SELECT m.id, w.status AS wave_status, w.cutoff_at, c.id AS contact, c.time_zone, ${address} AS address,
           ${campaignRefusalSql('s.status', address)} AS refusal,
           (SELECT count(*) FROM messages x WHERE x.contact_id = m.contact_id AND x.id <> m.id
              AND x.status IN ('sending', 'sent', 'delivered')
              AND x.sent_at > now() - make_interval(days => COALESCE($4::int, 0))) AS recent,
           (now() AT TIME ZONE COALESCE(c.time_zone, 'UTC')) AS local
         FROM messages m JOIN waves w ON w.id = m.wave_id
         LEFT JOIN contacts c ON c.id = m.contact_id
         LEFT JOIN consent_current s ON s.contact_id = c.id AND s.channel = m.channel AND s.purpose = m.purpose
         WHERE m.id = ANY($1::uuid[]) AND m.status = 'claimed' AND m.claimed_by = $2
         FOR UPDATE OF m
       ), decided AS (
         SELECT *, extract(hour FROM local)::int AS hour,
           date_trunc('day', local) + make_interval(hours => COALESCE($6::int, 0)) AS quiet_end,
           CASE
             WHEN wave_status <> 'sending' THEN 'release'
             WHEN cutoff_at IS NOT NULL AND now() > cutoff_at THEN 'cut-off'
             WHEN contact IS NULL THEN 'erased'
             WHEN refusal IS NOT NULL THEN refusal
             WHEN $3::int IS NOT NULL AND recent >= $3::int THEN 'frequency-cap'
             WHEN $5::int IS NOT NULL AND CASE WHEN $5::int > $6::int
               THEN extract(hour FROM local) >= $5::int OR extract(hour FROM local) < $6::int
               ELSE extract(hour FROM local) >= $5::int AND extract(hour FROM local) < $6::int END THEN 'defer'
             ELSE 'send'
           END AS decision
         FROM target
       )
       UPDATE messages m SET
         status = CASE d.decision WHEN 'send' THEN 'sending' WHEN 'release' THEN 'queued' WHEN 'defer' THEN 'queued'
                  ELSE 'skipped' END,
         error_code = CASE WHEN d.decision IN ('send', 'release', 'defer') THEN m.error_code ELSE d.decision END,
         address = COALESCE(d.address, m.address),
         attempts = m.attempts + CASE WHEN d.decision = 'send' THEN 1 ELSE 0 END,
         due_at = CASE WHEN d.decision = 'defer'
           THEN (d.quiet_end + CASE WHEN d.quiet_end <= d.local THEN interval '1 day' ELSE interval '0' END)
                AT TIME ZONE COALESCE(d.time_zone, 'UTC')
           ELSE m.due_at END,
         claimed_by = CASE WHEN d.decision = 'send' THEN m.claimed_by END,
         lease_until = CASE WHEN d.decision = 'send' THEN now() + make_interval(secs => $7) END,
         updated_at = now()
       FROM decided d WHERE m.id = d.id
       RETURNING m.id, d.decision, d.address`,
      [
        ids,
        this.worker,
        cap?.messages ?? null,
        cap?.days ?? null,
        quiet[0] ?? null,
        quiet[1] ?? null,
        this.env.LEASE_SECONDS,
      ],
    );
    return new Map(rows.map((r) => [r.id, r]));
  }

  private send(message: Claimed, address: string, prepared: Awaited<ReturnType<Dispatcher['prepare']>>) {
    const content = prepared.contents.get(`${message.template_key}@${message.template_version}`)![
      message.language
    ];
    const values = prepared.values.get(`${message.wave_id}/${message.contact_id}`) ?? {};
    if (message.channel === 'sms') return this.sms.send(address, renderMessage(content, values).sms);
    const unsubscribeUrl = this.links.url('unsubscribe', {
      contactId: message.contact_id,
      channel: 'email',
      purpose: message.purpose,
    });
    const { subject, html, text } = renderMessage(content, { ...values, opt_out_link: unsubscribeUrl });
    return this.email.send({
      id: message.id,
      to: address,
      subject,
      html,
      text,
      unsubscribeUrl,
      language: message.language,
    });
  }

  /** The provider's answer: sent, queued again after a backoff with jitter, or failed with the provider's code. */
  private async record(message: Claimed, outcome: SendOutcome) {
    const status = outcome.ok
      ? 'sent'
      : !outcome.permanent && message.attempts + 1 < this.env.SEND_MAX_ATTEMPTS
        ? 'queued'
        : isHardBounce(outcome)
          ? 'bounced'
          : 'failed';
    const backoff =
      Math.min(MAX_BACKOFF_S, this.env.RETRY_BASE_SECONDS * 2 ** message.attempts) * (0.5 + Math.random());
    await this.fast!.query(
      `UPDATE messages SET status = $2, provider_id = $3, sent_at = CASE WHEN $2 = 'sent' THEN now() ELSE sent_at END,
         error_code = $4, error = $5, lease_until = NULL, claimed_by = NULL,
         due_at = CASE WHEN $2 = 'queued' THEN now() + make_interval(secs => $6) ELSE due_at END, updated_at = now()
       WHERE id = $1`,
      [
        message.id,
        status,
        outcome.ok ? outcome.providerId : null,
        outcome.ok ? null : outcome.code,
        outcome.ok ? null : outcome.reason.slice(0, 1000),
        backoff,
      ],
    );
    if (!outcome.ok) await this.messaging.withdrawRefused(message.id, outcome.code);
  }

  /** About once a second per process: start scheduled waves, recover dead workers' rows, finish done waves. */
  private async tick() {
    if (Date.now() - this.lastHousekeeping < 1000) return this.housekeeping;
    this.lastHousekeeping = Date.now();
    this.housekeeping = this.housekeep().catch((e: unknown) =>
      this.logger.error(`housekeeping: ${String(e)}`),
    );
    return this.housekeeping;
  }

  private async housekeep() {
    await this.startScheduled();
    await this.recover(false);
    await this.durable!.query(
      `UPDATE waves w SET status = 'completed', completed_at = now(), updated_at = now()
       WHERE w.status = 'sending' AND w.launched_at IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.wave_id = w.id AND m.status IN ('queued', 'claimed', 'sending'))`,
    );
    await this.fast!.query(
      `DELETE FROM rate_windows WHERE second < floor(extract(epoch FROM clock_timestamp()))::bigint - 60`,
    );
  }

  private async startScheduled() {
    const due = await this.db.getRepository(Wave).find({ where: { status: 'scheduled' } });
    for (const wave of due.filter((w) => !w.scheduledAt || w.scheduledAt.getTime() <= Date.now()))
      await this.db.transaction(async (m) => {
        const [, started]: [unknown, number] = await m.query(
          `UPDATE waves SET status = 'sending', updated_at = now() WHERE id = $1 AND status = 'scheduled'`,
          [wave.id],
        );
        if (started && !wave.launchedAt) await this.waves.materialise(wave, m);
      });
  }

  /**
   * Rows whose lease ran out: `claimed` ones never reached a provider and are queued again; `sending` ones are
   * ambiguous and failed without a resend. At start, this worker's own rows (same WORKER_NAME) need no wait.
   */
  private async recover(own: boolean) {
    const stale = own ? `claimed_by = $1` : `lease_until < now()`;
    await this.durable!.query(
      `UPDATE messages SET status = 'queued', claimed_by = NULL, lease_until = NULL
       WHERE status = 'claimed' AND ${stale}`,
      own ? [this.worker] : [],
    );
    const { rowCount } = await this.durable!.query(
      `UPDATE messages SET status = 'failed', error_code = 'ambiguous', claimed_by = NULL, lease_until = NULL,
         error = 'handed to the provider when its worker stopped; not resent, so that nobody gets it twice'
       WHERE status = 'sending' AND ${stale}`,
      own ? [this.worker] : [],
    );
    if (rowCount) this.logger.warn(`${rowCount} message(s) left ambiguous by a stopped worker`);
  }
}
