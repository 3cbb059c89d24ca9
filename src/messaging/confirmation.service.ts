import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Email } from '../channels/email.channel.js';
import { Env } from '../config/config.js';
import type { Channel } from '../consent/consent.js';
import { confirmationRefusalSql } from '../consent/consent.service.js';
import { CHANNELS } from '../consent/consent.js';
import { contactConditions, filterDefaults, type ContactFilter } from '../contacts/contact-search.js';
import { messageLanguageSql } from '../common/languages.js';
import type { ImportConfirmations } from '../imports/import-job.entity.js';
import type { LedgerGroup } from '../waves/monitor.js';
import { ConfirmationRelease, type ReleaseSource } from './confirmation-release.entity.js';
import { LinkService } from '../links/link.service.js';
import { escapeHtml } from '../templates/placeholders.js';
import { fill, purposeName, stringsFor } from '../common/strings.js';
import { MessagingService, type QueueResult } from './messaging.service.js';

/** What a confirmation message is written for, as the dispatcher hands it over. */
export interface ConfirmationSource {
  contactId: string;
  firstName: string | null;
  language: string;
  /** The purposes still only requested when it goes out: what the message asks the person to confirm. */
  purposes: string[];
}

/** Double opt-in requests waiting per channel. */
export type PerChannel = Record<Channel, number>;

/**
 * Double opt-in requests. A contact whose consent on a channel is only *requested* is asked to confirm once: when
 * the person asked for it (a sign-up, a preference change: `request`), or when staff decide to ask (`release`, for
 * an import or a filtered list, after seeing the count; `askAgain`, a second request to one person). Nothing else
 * sends one: an import only records what the file says. The requests are ledger rows that the dispatcher sends, so
 * quiet hours and the channel's rate hold for them.
 */
@Injectable()
export class ConfirmationService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly env: Env,
    private readonly messaging: MessagingService,
    private readonly links: LinkService,
  ) {}

  /** The person's own request (a sign-up, a preference change): queued through the gate, at most once. */
  request(contactId: string, channel: Channel): Promise<QueueResult> {
    return this.messaging.enqueue(contactId, channel, '*', 'confirmation');
  }

  /** Staff ask one person again: a second request may follow one that went (never one still on its way). */
  async askAgain(contactId: string, channel: Channel, staffId: string): Promise<QueueResult> {
    const releaseId = randomUUID();
    const result = await this.messaging.enqueue(contactId, channel, '*', 'confirmation', {
      releaseId,
      secondAsk: true,
    });
    if (result.queued)
      await this.db.getRepository(ConfirmationRelease).insert({
        id: releaseId,
        source: 'contact',
        createdBy: staffId,
        secondAsk: true,
        queued: { [channel]: 1 },
      });
    return result;
  }

  /** How many confirmation requests a release over `filter` would queue now, per channel. */
  async pending(filter: ContactFilter): Promise<PerChannel> {
    const counts = await Promise.all(
      CHANNELS.map(async (channel) => {
        const params: unknown[] = [];
        const where = this.unasked(filter, channel, params);
        const [{ n }]: { n: number }[] = await this.db.query(
          `SELECT count(*)::int AS n FROM contacts c LEFT JOIN regions r ON r.id = c.region_id WHERE ${where}`,
          params,
        );
        return [channel, n] as const;
      }),
    );
    return Object.fromEntries(counts) as PerChannel;
  }

  /**
   * Staff's decision to ask everyone `filter` selects who may be asked now, on `channels`: one request each, in one
   * transaction with the release that records who decided. The contacts are locked first, in id order, and the
   * requests written by a second statement, which sees whatever a concurrent release or a person's own request for
   * them wrote: nobody is asked twice.
   */
  async release(
    filter: ContactFilter,
    channels: readonly Channel[],
    by: { staffId: string | null; source: ReleaseSource; importJobId?: string },
  ): Promise<{ id: string; queued: PerChannel }> {
    return this.db.transaction(async (m) => {
      const release = await m.getRepository(ConfirmationRelease).save({
        source: by.source,
        importJobId: by.importJobId ?? null,
        createdBy: by.staffId,
      });
      const queued: PerChannel = { email: 0, sms: 0 };
      for (const channel of channels) {
        const params: unknown[] = [];
        const where = this.unasked(filter, channel, params);
        const locked: { id: string }[] = await m.query(
          `SELECT c.id FROM contacts c LEFT JOIN regions r ON r.id = c.region_id WHERE ${where}
           ORDER BY c.id FOR UPDATE OF c`,
          params,
        );
        if (locked.length === 0) continue;
        const [{ n }]: { n: number }[] = await m.query(
          `WITH written AS (
             INSERT INTO messages (id, kind, contact_id, channel, purpose, language, status, due_at, release_id)
             SELECT ledger_id(), 'confirmation', c.id, $2, '*', ${messageLanguageSql('c.language')}, 'queued', now(), $3
             FROM contacts c WHERE c.id = ANY($1::uuid[]) AND ${confirmationRefusalSql(channel)} IS NULL
             ORDER BY c.id
             RETURNING 1)
           SELECT count(*)::int AS n FROM written`,
          [locked.map((r) => r.id), channel, release.id],
        );
        queued[channel] = n;
      }
      await m.getRepository(ConfirmationRelease).update(release.id, { queued });
      return { id: release.id, queued };
    });
  }

  /**
   * What a contacts import leaves for double opt-in: the people it left waiting to be asked, per channel, and, when
   * staff said so with the upload (`send`), the requests released for them.
   */
  async forImport(importJobId: string, send: boolean, staffId: string | null): Promise<ImportConfirmations> {
    const waiting = await this.pending({ importJobId });
    if (!send || waiting.email + waiting.sms === 0) return { ...waiting, sent: 0 };
    const { queued } = await this.release({ importJobId }, CHANNELS, {
      staffId,
      source: 'import',
      importJobId,
    });
    return { ...waiting, sent: queued.email + queued.sms };
  }

  /** A release's requests grouped by status and code (and, like a wave's, by second handed over), for its progress. */
  progressGroups(releaseId: string, bucketSeconds: number): Promise<LedgerGroup[]> {
    return this.db.query(
      `SELECT status, error_code AS code,
         (floor(extract(epoch FROM sent_at) / $2::int) * $2::int)::float8 AS bucket, count(*)::int AS n,
         (count(*) FILTER (WHERE sent_at > now() - interval '60 seconds'))::int AS recent
       FROM messages WHERE release_id = $1 GROUP BY 1, 2, 3`,
      [releaseId, bucketSeconds],
    );
  }

  private unasked(filter: ContactFilter, channel: Channel, params: unknown[]): string {
    const conditions = contactConditions(
      { ...filter, channel, confirmation: 'unasked' },
      filterDefaults(this.env),
      params,
    );
    return conditions.join(' AND ');
  }

  email(c: ConfirmationSource, to: string): Email {
    const { language, t } = stringsFor(c.language);
    const link = this.links.url('confirm', { contactId: c.contactId, channel: 'email', purpose: '*' });
    const text = fill(t.confirmText, { name: c.firstName ?? '', sender: this.env.SENDER_NAME, link });
    const topics = `<ul>${c.purposes.map((p) => `<li>${escapeHtml(purposeName(t, p))}</li>`).join('')}</ul>`;
    const button = `<p><a href="${escapeHtml(link)}">${escapeHtml(t.confirmButton)}</a></p>`;
    const html = text
      .split('\n\n')
      .map((paragraph) =>
        paragraph.includes(link)
          ? `<p>${escapeHtml(paragraph.replace(link, '').trim())}</p>${topics}${button}`
          : `<p>${escapeHtml(paragraph)}</p>`,
      )
      .join('');
    return { to, subject: t.confirmSubject, text, html, language };
  }

  sms(c: ConfirmationSource): string {
    return fill(stringsFor(c.language).t.confirmSms, { sender: this.env.SENDER_NAME });
  }
}
