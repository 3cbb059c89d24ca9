import type { TemplateContent } from './default-templates.js';
import type { Localized } from './template.entities.js';

/**
 * The links a template version counts clicks on, numbered when the version is saved: every literal
 * `href="http(s)://…"` in the email HTML and every http(s) address in the email text and the SMS, in both languages.
 * One address is one number wherever it appears (the HTML and the text of a message share it), so the index of a
 * link names an address, never a place. Placeholders are never links: `{{opt_out_link}}` is not numbered, nor is an
 * address with a placeholder inside, since its target would not be the one saved.
 */
export const MAX_LINKS = 64;

export type LinkFormat = 'html' | 'text';

/** Where a countable link sits in a text: `[start, end)` is what a rewritten link replaces; `url` its target. */
export interface LinkSpan {
  start: number;
  end: number;
  url: string;
}

const HREF = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')/gi;
const BARE_URL = /\bhttps?:\/\/[^\s<>"']+/gi;
const WEB_URL = /^https?:\/\/[^\s/?#]+/i;
/** A sentence's punctuation after an address is not part of it. */
const TRAILING = /[.,;:!?'"]+$/;

const ENTITIES: Record<string, string> = { amp: '&', quot: '"', apos: "'", lt: '<', gt: '>' };

/** The character references an attribute value may hold, read as the mail client reads them. */
export function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === '#')
      return String.fromCodePoint(
        ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : Number(ref.slice(1)),
      );
    return ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

const countable = (url: string) => WEB_URL.test(url) && !url.includes('{{') && !url.includes('}}');

/** A closing bracket belongs to the address only if it opened one: "(see https://x.org/a)" ends before it. */
function trimText(url: string): string {
  let out = url.replace(TRAILING, '');
  while (/[)\]]$/.test(out)) {
    const close = out.at(-1)!;
    const open = close === ')' ? '(' : '[';
    if (out.split(open).length >= out.split(close).length) break;
    out = out.slice(0, -1).replace(TRAILING, '');
  }
  return out;
}

/** The countable links of one text, in order. */
export function linkSpans(text: string, format: LinkFormat): LinkSpan[] {
  const spans: LinkSpan[] = [];
  if (format === 'html') {
    for (const m of text.matchAll(HREF)) {
      const raw = m[1] ?? m[2];
      const url = decodeEntities(raw.trim());
      if (!countable(url)) continue;
      const start = m.index + m[0].lastIndexOf(raw);
      spans.push({ start, end: start + raw.length, url });
    }
    return spans;
  }
  for (const m of text.matchAll(BARE_URL)) {
    if (text.slice(m.index + m[0].length, m.index + m[0].length + 2) === '}}') continue;
    const url = trimText(m[0]);
    if (!countable(url) || text.slice(Math.max(0, m.index - 2), m.index).includes('{')) continue;
    spans.push({ start: m.index, end: m.index + url.length, url });
  }
  return spans;
}

const PARTS: [keyof TemplateContent, LinkFormat][] = [
  ['html', 'html'],
  ['text', 'text'],
  ['sms', 'text'],
];

/** The numbered links of a template version: index → address, at most MAX_LINKS (later ones are not counted). */
export function numberLinks(content: Partial<Localized<TemplateContent>>): string[] {
  const links: string[] = [];
  for (const language of ['de', 'en'] as const)
    for (const [part, format] of PARTS)
      for (const { url } of linkSpans(content[language]?.[part] ?? '', format))
        if (!links.includes(url) && links.length < MAX_LINKS) links.push(url);
  return links;
}

/**
 * A text cut at its numbered links: literal pieces and link indexes in turn, so that a message's own tracked
 * addresses are joined in without searching the text again. Links not numbered stay literal.
 */
export type LinkPieces = (string | number)[];

export function splitAtLinks(text: string, format: LinkFormat, links: string[]): LinkPieces {
  const pieces: LinkPieces = [];
  let at = 0;
  for (const span of linkSpans(text, format)) {
    const index = links.indexOf(span.url);
    if (index < 0) continue;
    pieces.push(text.slice(at, span.start), index);
    at = span.end;
  }
  pieces.push(text.slice(at));
  return pieces;
}

/** Joins the pieces with an address for each link index. */
export const joinLinks = (pieces: LinkPieces, address: (index: number) => string): string =>
  pieces.map((p) => (typeof p === 'number' ? address(p) : p)).join('');
