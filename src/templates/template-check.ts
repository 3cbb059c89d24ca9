import { checkPlaceholders, EVENT_PLACEHOLDERS, placeholdersIn } from './placeholders.js';
import type { TemplateContext } from './template.entities.js';

export const LANGUAGES = ['de', 'en'] as const;
export const FIELDS = ['subject', 'html', 'text', 'sms'] as const;
export const MIN_REASONING = 10;

export interface TemplateDraft {
  name?: Partial<Record<string, unknown>>;
  reasoning?: unknown;
  content?: Partial<Record<string, Partial<Record<string, unknown>>>>;
}

/**
 * Every problem of a template's words at once, as a strategist reads them: languages and fields present, placeholders
 * known and closed, the opt-out link in every email, and only the values its context has (a campaign message has no
 * event). The weights are checked against the database by the service.
 */
export function templateProblems(draft: TemplateDraft, context: TemplateContext): string[] {
  const problems: string[] = [];
  for (const language of LANGUAGES) {
    const name = draft.name?.[language];
    if (typeof name !== 'string' || !name.trim()) problems.push(`name.${language} is missing`);
    const content = draft.content?.[language];
    for (const field of FIELDS) {
      const text = content?.[field];
      if (typeof text !== 'string' || !text.trim()) {
        problems.push(`content.${language}.${field} is missing`);
        continue;
      }
      for (const p of checkPlaceholders(text)) problems.push(`content.${language}.${field}: ${p}`);
      if (context === 'campaign')
        for (const p of placeholdersIn([text]).filter((name) => EVENT_PLACEHOLDERS.includes(name)))
          problems.push(
            `content.${language}.${field}: {{${p}}} is known only in an event reminder, and this is a campaign template (context campaign)`,
          );
      if ((field === 'html' || field === 'text') && !text.includes('{{opt_out_link}}'))
        problems.push(`content.${language}.${field} needs {{opt_out_link}}`);
    }
  }
  const extra = Object.keys(draft.content ?? {}).filter((l) => !(LANGUAGES as readonly string[]).includes(l));
  if (extra.length) problems.push(`content has unsupported languages: ${extra.join(', ')}`);
  if (typeof draft.reasoning !== 'string' || draft.reasoning.trim().length < MIN_REASONING)
    problems.push(`reasoning needs at least ${MIN_REASONING} characters: why these weights`);
  return problems;
}
