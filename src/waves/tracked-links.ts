import { randomInt } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { NONCE_LIMIT } from '../links/click-token.js';
import { ClicksService, groupKey, type ClickGroup } from '../links/clicks.service.js';
import { LinkService } from '../links/link.service.js';
import type { TemplateContent } from '../templates/default-templates.js';
import { joinLinks, splitAtLinks, type LinkPieces } from '../templates/link-numbers.js';
import { escapeHtml } from '../templates/placeholders.js';
import { refOf, templateLinks } from '../templates/template-content.js';
import type { Localized } from '../templates/template.entities.js';
import type { HandedOver } from './ledger.js';

type Pieces = Record<'html' | 'text' | 'sms', LinkPieces>;

const groupOf = (r: HandedOver): ClickGroup => ({
  waveId: r.wave_id!,
  segmentId: r.segment_id,
  templateKey: r.template_key!,
  templateVersion: r.template_version!,
  language: r.language,
});

const tracked = (r: HandedOver) => r.kind === 'campaign' && r.wave_id !== null && r.template_key !== null;

/**
 * The campaign messages' links, rewritten to `/l/<token>` with a nonce drawn for each message. What a message needs
 * is read once per template version and group and kept, so rendering a message costs no database round trip.
 * Confirmations, the opt-out and preference links and the List-Unsubscribe header are never rewritten.
 */
export class TrackedLinks {
  /** Per template version and language: its texts cut at their numbered links. */
  private readonly pieces = new Map<string, Localized<Pieces>>();
  /** Per group with links: its `click_targets` id. */
  private readonly targets = new Map<string, number>();

  constructor(
    private readonly db: EntityManager,
    private readonly clicks: ClicksService,
    private readonly links: LinkService,
  ) {}

  /** Reads what these rows' messages need that is not known yet (their template versions' contents are loaded). */
  async load(rows: HandedOver[], contents: Map<string, Localized<TemplateContent>>) {
    const campaign = rows.filter(tracked);
    const newVersions = campaign.filter((r) => !this.pieces.has(refOf(r)));
    if (newVersions.length)
      for (const [ref, links] of await templateLinks(this.db, newVersions)) {
        const content = contents.get(ref)!;
        const cut = (c: TemplateContent): Pieces => ({
          html: splitAtLinks(c.html, 'html', links),
          text: splitAtLinks(c.text, 'text', links),
          sms: splitAtLinks(c.sms, 'text', links),
        });
        this.pieces.set(ref, { de: cut(content.de), en: cut(content.en) });
      }
    const newGroups = new Map(
      campaign
        .filter((r) => this.hasLinks(r) && !this.targets.has(groupKey(groupOf(r))))
        .map((r) => [groupKey(groupOf(r)), groupOf(r)]),
    );
    if (newGroups.size)
      for (const [key, id] of await this.clicks.targets([...newGroups.values()])) this.targets.set(key, id);
  }

  /** The message's content with each numbered link replaced by its own tracked address. */
  rewrite(row: HandedOver, content: TemplateContent): TemplateContent {
    if (!tracked(row) || !this.hasLinks(row)) return content;
    const pieces = this.pieces.get(refOf(row))![row.language];
    const target = this.targets.get(groupKey(groupOf(row)))!;
    const nonce = randomInt(NONCE_LIMIT);
    const address = (link: number) =>
      this.links.clickUrl({ target, link, nonce, ...(row.analytics && { messageId: row.id }) });
    return {
      ...content,
      html: joinLinks(pieces.html, (link) => escapeHtml(address(link))),
      text: joinLinks(pieces.text, address),
      sms: joinLinks(pieces.sms, address),
    };
  }

  private hasLinks(row: HandedOver): boolean {
    const pieces = this.pieces.get(refOf(row))?.[row.language];
    return !!pieces && [pieces.html, pieces.text, pieces.sms].some((p) => p.length > 1);
  }
}
