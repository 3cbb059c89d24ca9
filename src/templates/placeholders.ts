import { messageLanguage } from '../common/languages.js';

/** The values a message can carry. Anything else in {{ }} is refused when a template is saved. */
export const PLACEHOLDERS = [
  'first_name',
  'region_name',
  'event_date',
  'event_place',
  'opt_out_link',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

const PATTERN = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Values only a wave tied to an event has: a template using them is a reminder. */
export const EVENT_PLACEHOLDERS: readonly Placeholder[] = ['event_date', 'event_place'];

/** The known placeholders a template's texts use, each once, in order of first use. */
export function placeholdersIn(texts: string[]): Placeholder[] {
  const used = texts.flatMap((text) => [...text.matchAll(PATTERN)].map(([, name]) => name));
  return [...new Set(used)].filter((name): name is Placeholder =>
    (PLACEHOLDERS as readonly string[]).includes(name),
  );
}

/** The event placeholders a template's content uses (all languages, all parts): empty for a campaign template. */
export function eventPlaceholdersIn(content: Partial<Record<string, object>>): Placeholder[] {
  const texts = Object.values(content).flatMap((parts) =>
    Object.values(parts ?? {}).filter((v): v is string => typeof v === 'string'),
  );
  return placeholdersIn(texts).filter((name) => EVENT_PLACEHOLDERS.includes(name));
}

/** The unknown placeholders in a text, and unbalanced braces, as readable problems (empty when fine). */
export function checkPlaceholders(text: string): string[] {
  const problems: string[] = [];
  for (const [, name] of text.matchAll(PATTERN)) {
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
      problems.push(`unknown placeholder {{${name}}} (known: ${PLACEHOLDERS.join(', ')})`);
    }
  }
  const rest = text.replace(PATTERN, '');
  if (rest.includes('{{') || rest.includes('}}'))
    problems.push('a placeholder is not closed: write {{name}}');
  return problems;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** Fills the placeholders; in HTML every value is escaped, so a name cannot inject markup. */
export function render(
  text: string,
  values: Partial<Record<Placeholder, string>>,
  format: 'html' | 'text',
): string {
  return text.replace(PATTERN, (_, name: string) => {
    const value = values[name as Placeholder] ?? '';
    return format === 'html' ? escapeHtml(value) : value;
  });
}

/** What a message's values are made of: the contact, its region and the wave's event. The one place they are built. */
export interface PlaceholderSource {
  first_name: string | null;
  region: string | null;
  language: string;
  starts_at?: Date | null;
  place?: string | null;
}

/** The first name a sample shows: never a real person's. */
export const SAMPLE_FIRST_NAME = { de: 'Erika', en: 'Alex' };
export const SAMPLE_EVENT_PLACE = { de: 'Marktplatz', en: 'Market square' };
/** A link that looks like the real one but opts nobody out. */
export const sampleOptOutLink = (publicUrl: string) => `${publicUrl}/unsubscribe/…`;

const EVENT_DATE = {
  de: new Intl.DateTimeFormat('de-DE', { dateStyle: 'full', timeStyle: 'short', timeZone: 'Europe/Berlin' }),
  en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone: 'Europe/Berlin' }),
};

export function placeholders(r: PlaceholderSource): Record<string, string> {
  return {
    first_name: r.first_name ?? '',
    region_name: r.region ?? '',
    event_date: r.starts_at ? EVENT_DATE[messageLanguage(r.language)].format(r.starts_at) : '',
    event_place: r.place ?? '',
  };
}
