import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { EmailChannel } from '../channels/email.channel.js';
import { SmsChannel } from '../channels/sms.channel.js';
import { failed, type SendOutcome } from '../channels/delivery.js';
import { Env } from '../config/config.js';
import type { Channel } from '../consent/consent.js';
import { ClicksService } from '../links/clicks.service.js';
import { LinkService } from '../links/link.service.js';
import { ConfirmationService } from '../messaging/confirmation.service.js';
import { MessagingService } from '../messaging/messaging.service.js';
import { renderMessage } from '../templates/render-message.js';
import { DatabaseRateLimiter } from './rate-limiter.js';
import { Wave } from './wave.entities.js';
import type { TemplateContent } from '../templates/default-templates.js';
import type { Localized } from '../templates/template.entities.js';
import { placeholders } from '../templates/placeholders.js';
import { refOf, templateContents } from '../templates/template-content.js';
import {
  COMPLETE_WAVES_SQL,
  handOverSql,
  handOverValues,
  MARK_HANDED_OVER_SQL,
  RECORD_ALONE_SQL,
  recoverSql,
  type Answer,
  type HandedOver,
} from './ledger.js';
import { TrackedLinks } from './tracked-links.js';
import { WavesService } from './waves.service.js';

const IDLE_MS = 200;
/** Messages per lane: small groups keep the provider busy while another lane is in the database; larger ones cost
 * fewer statements per message (at concurrency 10, two lanes of 5 sent 30 % more than four of 2–3). */
const LANE_SLOTS = 5;
const MAX_BACKOFF_S = 3600;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A channel's concurrency as lanes of about LANE_SLOTS messages each: 10 → 5, 5; 12 → 4, 4, 4. */
function laneSlots(concurrency: number): number[] {
  const count = Math.ceil(concurrency / LANE_SLOTS);
  return Array.from({ length: count }, (_, k) => Math.floor((concurrency + k) / count));
}

/** Text a provider sent back, made safe to store: no NUL character (PostgreSQL refuses it), bounded. */
function storable(text: unknown, max: number): string | null {
  if (typeof text !== 'string' || text === '') return null;
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u0000/g, '').slice(0, max) || null;
}

/** The service's own failure while preparing or handing over a message. */
const internalFailure = (e: unknown): SendOutcome => failed('rejected', 'internal', String(e));

/** A statement refused for what it writes (SQLSTATE classes 22 and 23), not for a lost connection. */
const isDataError = (e: unknown) => {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && /^2[23]/.test(code);
};

/**
 * Sends the ledger. Any number of these, in any number of processes, share the work. Each channel runs a pipeline
 * of at most `concurrency` messages between hand-over and recorded answer. Whenever half of them are answered, one
 * statement (a durable commit) writes those answers and takes the next due rows (FOR UPDATE SKIP LOCKED): it
 * re-checks the wave, the cut-off, the consent gate, the frequency cap and quiet hours for each and claims the ones
 * to send: `sending`, under a lease. Their contents are read and rendered; then a second durable statement marks the
 * moment their hand-over begins, and only then are they given to the provider, which takes them at once (the SMTP
 * pool has a connection for each message in flight).
 *
 * So a worker that dies leaves at most `concurrency` rows `sending`. Those claimed but not yet marked cannot have
 * left: they go back to the queue. Those marked were handed over, perhaps answered, the answer not yet written: they
 * are marked `failed` with the code `ambiguous` and never resent, because nobody may get a wave twice.
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
  /** The housekeeping under way, if any. */
  private housekeeping?: Promise<void>;
  /** Template versions never change, so their content is read once. */
  private readonly contents = new Map<string, Localized<TemplateContent>>();
  private readonly tracked: TrackedLinks;

  constructor(
    private readonly env: Env,
    @InjectDataSource() private readonly db: DataSource,
    private readonly waves: WavesService,
    private readonly messaging: MessagingService,
    private readonly confirmations: ConfirmationService,
    private readonly links: LinkService,
    private readonly email: EmailChannel,
    private readonly sms: SmsChannel,
    clicks: ClicksService,
  ) {
    this.tracked = new TrackedLinks(db.manager, clicks, links);
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
    const lanes = laneSlots(this.env.EMAIL_CONCURRENCY).length + laneSlots(this.env.SMS_CONCURRENCY).length;
    this.durable = new pg.Pool({
      connectionString: url,
      max: lanes + 1, // and housekeeping
      options: '-c plan_cache_mode=force_generic_plan',
    });
    // Rate windows: a lost commit here can only happen with the database server itself, and then a grant is forgotten.
    this.fast = new pg.Pool({ connectionString: url, max: 2, options: '-c synchronous_commit=off' });
    // An idle connection the server closes (a restart, a failover) is replaced on next use; it must not crash us.
    for (const pool of [this.durable, this.fast])
      pool.on('error', (e) => this.logger.warn(`database connection lost: ${e.message}`));
    this.running = true;
    // Once, before any lane claims a row: this worker's rows from before its restart (a recovery running beside the
    // lanes would take back the rows they have just claimed).
    const recovered = this.recover(true);
    this.loops = (['email', 'sms'] as const).map((channel) =>
      recovered
        .then(() => this.loop(channel))
        .catch((e: unknown) => this.logger.error(`${channel} loop stopped: ${String(e)}`)),
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

  /**
   * The channel's `concurrency` is split into lanes of about LANE_SLOTS messages. Each lane writes its answers and
   * hands over its next rows in one statement, sends them, and waits for their answers; while one lane is in the
   * database, the others are at the provider.
   */
  private async loop(channel: Channel) {
    const concurrency = channel === 'email' ? this.env.EMAIL_CONCURRENCY : this.env.SMS_CONCURRENCY;
    const limiter = new DatabaseRateLimiter(
      this.fast!,
      channel,
      channel === 'email' ? this.env.EMAIL_PER_SECOND : this.env.SMS_PER_SECOND,
    );
    await Promise.all(laneSlots(concurrency).map((slots) => this.lane(channel, slots, limiter)));
  }

  private async lane(channel: Channel, slots: number, limiter: DatabaseRateLimiter) {
    let answers: Answer[] = [];
    while (this.running) {
      try {
        this.tick();
        const rows = await this.step(channel, slots, answers, limiter);
        answers = [];
        if (rows.length === 0) await sleep(IDLE_MS);
        const sending = rows.filter((r) => r.decision === 'send' && r.address);
        await this.readContents(sending);
        // Everything is ready before the mark, so that nothing waits between it and the provider.
        const ready = sending.map((row) => ({ row, ...this.prepare(channel, row, row.address!) }));
        const begun = await this.markHandedOver(ready.filter((r) => r.go).map((r) => r.row));
        answers = await Promise.all(
          ready
            .filter((r) => !r.go || begun.has(r.row.id))
            .map(({ row, go, outcome }) =>
              (go ? go().catch(internalFailure) : Promise.resolve(outcome!)).then((o) => this.answer(row, o)),
            ),
        );
      } catch (e) {
        // A lost connection or a restarting database: log, wait, go on. Answers not yet written go with the next
        // statement; rows claimed but not handed over go back to the queue when their lease runs out.
        if (!this.running) break;
        this.logger.error(`${channel}: ${String(e)}`);
        await sleep(1000);
      }
    }
    if (answers.length) await this.step(channel, 0, answers, limiter);
  }

  /** Writes the answers and hands over up to `want` due rows (fewer if the rate allows fewer), in one statement. */
  private async step(channel: Channel, want: number, answers: Answer[], limiter: DatabaseRateLimiter) {
    let tokens = 0;
    for (; tokens < want && this.running; tokens++) await limiter.take();
    // A refusal for good ends the consent before its answer is written: whoever sees the message failed sees the
    // consent ended, and a crash in between leaves the message ambiguous, never the person still reachable.
    for (const answer of answers)
      if (answer.failure && answer.status !== 'queued')
        await this.messaging.withdrawRefused(answer.id, answer.failure, answer.code);
    let rows: HandedOver[];
    try {
      rows = await this.handOver(channel, tokens, answers);
    } catch (e) {
      limiter.giveBack(tokens);
      if (answers.length === 0 || !isDataError(e)) throw e;
      // One answer the database refuses must not hold up the others (nor the lane): each is written on its own.
      await this.recordEach(channel, answers);
      rows = [];
    }
    limiter.giveBack(tokens - rows.filter((r) => r.decision === 'send').length);
    return rows;
  }

  /** Writes answers one by one; one still refused is recorded in its definite state without the provider's data. */
  private async recordEach(channel: Channel, answers: Answer[]) {
    for (const answer of answers)
      try {
        await this.handOver(channel, 0, [answer]);
      } catch (e) {
        this.logger.error(`message ${answer.id}: the provider's answer could not be recorded: ${String(e)}`);
        await this.durable!.query(RECORD_ALONE_SQL, [
          answer.id,
          this.worker,
          answer.status === 'queued' ? 'failed' : answer.status,
          `the provider's answer could not be recorded: ${storable(String(e), 500)}`,
        ]);
      }
  }

  /** The provider's answer: sent, queued again after a backoff with jitter, or failed with the provider's code. */
  private answer(row: HandedOver, outcome: SendOutcome): Answer {
    if (outcome.ok)
      return {
        id: row.id,
        status: 'sent',
        providerId: storable(outcome.providerId, 200),
        failure: null,
        code: null,
        reason: null,
        backoffSeconds: 0,
      };
    const status =
      !outcome.permanent && row.attempts < this.env.SEND_MAX_ATTEMPTS
        ? 'queued'
        : outcome.failure === 'hard-bounce'
          ? 'bounced'
          : 'failed';
    const backoff = Math.min(MAX_BACKOFF_S, this.env.RETRY_BASE_SECONDS * 2 ** (row.attempts - 1));
    return {
      id: row.id,
      status,
      providerId: null,
      failure: outcome.failure,
      code: storable(outcome.code, 100),
      reason: storable(outcome.reason, 1000),
      backoffSeconds: backoff * (0.5 + Math.random()),
    };
  }

  /**
   * One statement: the answers are written; then the last check and the hand-over mark for the next due rows, so
   * what it decides is what happens.
   */
  private async handOver(channel: Channel, want: number, answers: Answer[]): Promise<HandedOver[]> {
    // Named, and with the group size written in: prepared once per connection with one generic plan, instead of a
    // plan made for every group (planning this statement costs more than running it).
    const { rows } = await this.durable!.query<HandedOver>({
      name: `hand-over-${channel}-${want}`,
      text: handOverSql(this.env, channel, want),
      values: handOverValues(this.worker, channel, this.env.LEASE_SECONDS, answers),
    });
    // In id order: the order in which a wave's messages go out is predictable.
    return rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  private async readContents(rows: HandedOver[]) {
    const missing = rows.filter((r) => r.template_key && !this.contents.has(refOf(r)));
    if (missing.length)
      for (const [ref, content] of await templateContents(this.db.manager, missing))
        this.contents.set(ref, content);
    await this.tracked.load(rows, this.contents);
  }

  /**
   * Marks the hand-over of these rows of one claim as begun, in one durable statement, and answers the ids it marked:
   * only those may go to the provider. If it fails, none goes; their lease runs out and they go back to the queue.
   */
  private async markHandedOver(claimed: HandedOver[]): Promise<Set<string>> {
    if (claimed.length === 0) return new Set();
    const { rows } = await this.durable!.query<{ id: string }>({
      name: 'mark-handed-over',
      text: MARK_HANDED_OVER_SQL,
      values: [claimed.map((r) => r.id), this.worker, claimed[0].lease],
    });
    return new Set(rows.map((r) => r.id));
  }

  /**
   * A message rendered and ready to go (`go` gives it to the provider), or the outcome of a message that could not
   * be rendered (never handed over).
   */
  private prepare(
    channel: Channel,
    row: HandedOver,
    address: string,
  ): { go?: () => Promise<SendOutcome>; outcome?: SendOutcome } {
    try {
      if (row.kind === 'confirmation') {
        const source = {
          contactId: row.contact_id,
          firstName: row.first_name,
          language: row.language,
          purposes: row.requested ?? [],
        };
        if (channel === 'sms') {
          const body = this.confirmations.sms(source);
          return { go: () => this.sms.send(address, body) };
        }
        const email = { ...this.confirmations.email(source, address), id: row.id };
        return { go: () => this.email.send(email) };
      }
      const content = this.tracked.rewrite(row, this.contents.get(refOf(row))![row.language]);
      const values = placeholders(row);
      if (channel === 'sms') {
        const body = renderMessage(content, values).sms;
        return { go: () => this.sms.send(address, body) };
      }
      // A wave's message names itself in its opt-out link, so that an opt-out through it counts for the wave.
      const unsubscribeUrl = this.links.url('unsubscribe', {
        contactId: row.contact_id,
        channel: 'email',
        purpose: row.purpose,
        ...(row.wave_id ? { messageId: row.id } : {}),
      });
      const { subject, html, text } = renderMessage(content, { ...values, opt_out_link: unsubscribeUrl });
      const email = { id: row.id, to: address, subject, html, text, unsubscribeUrl, language: row.language };
      return { go: () => this.email.send(email) };
    } catch (e) {
      return { outcome: internalFailure(e) };
    }
  }

  /**
   * About once a second per process: start scheduled waves, close dead workers' rows, finish done waves. The lanes
   * do not wait for it: starting a scheduled wave of a million contacts writes its ledger for half a minute.
   */
  private tick() {
    if (this.housekeeping || Date.now() - this.lastHousekeeping < 1000) return;
    this.lastHousekeeping = Date.now();
    this.housekeeping = this.housekeep()
      .catch((e: unknown) => this.logger.error(`housekeeping: ${String(e)}`))
      .finally(() => (this.housekeeping = undefined));
  }

  private async housekeep() {
    await this.startScheduled();
    await this.recover(false);
    await this.durable!.query(COMPLETE_WAVES_SQL);
    await this.fast!.query(
      `DELETE FROM rate_windows WHERE second < floor(extract(epoch FROM clock_timestamp()))::bigint - 60`,
    );
  }

  /** Each scheduled wave whose time has come starts, or waits for a new approval (`WavesService.startDue`). */
  private async startScheduled() {
    const due = await this.db.getRepository(Wave).find({ where: { status: 'scheduled' } });
    for (const wave of due.filter((w) => !w.scheduledAt || w.scheduledAt.getTime() <= Date.now()))
      await this.waves.startDue(wave.id);
  }

  /**
   * `sending` rows whose lease ran out: back to the queue if their hand-over had not begun, else ambiguous (failed,
   * never resent). At start, this worker's own rows (same WORKER_NAME) need no wait.
   */
  private async recover(own: boolean) {
    const { rows } = await this.durable!.query<{ ambiguous: boolean }>(
      recoverSql(own),
      own ? [this.worker] : [],
    );
    const ambiguous = rows.filter((r) => r.ambiguous).length;
    if (rows.length > ambiguous)
      this.logger.warn(
        `${rows.length - ambiguous} message(s) of a stopped worker, not handed over, queued again`,
      );
    if (ambiguous) this.logger.warn(`${ambiguous} message(s) left ambiguous by a stopped worker`);
  }
}
