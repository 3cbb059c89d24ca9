import { render, type Placeholder } from './placeholders.js';
import type { TemplateContent } from './default-templates.js';

export interface RenderedMessage {
  subject: string;
  html: string;
  text: string;
  sms: string;
}

/** A template's content in one language with the contact's values; HTML values are escaped. */
export function renderMessage(
  content: TemplateContent,
  values: Partial<Record<Placeholder, string>>,
): RenderedMessage {
  return {
    subject: render(content.subject, values, 'text'),
    html: render(content.html, values, 'html'),
    text: render(content.text, values, 'text'),
    sms: render(content.sms, values, 'text'),
  };
}
