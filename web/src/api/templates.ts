import { api, ApiError, ok } from './client';
import type { components } from './schema';

export type Template = components['schemas']['TemplateDto'];
export type TemplateBody = components['schemas']['UpdateTemplateDto'];
export type TemplateContext = Template['context'];
export type TemplateVersion = components['schemas']['TemplateVersionDto'];
export type TemplateSnapshot = components['schemas']['TemplateSnapshotDto'];
export type TemplatePreview = components['schemas']['TemplatePreviewDto'];
export type SmsSize = components['schemas']['SmsSizeDto'];

/** A save the API refused, with every problem it named (`details.problems`). */
export class TemplateRefused extends ApiError {
  constructor(
    status: number,
    message: string,
    readonly problems: string[],
  ) {
    super(status, message);
  }
}

export const listTemplates = () => ok(api.GET('/templates'));
export const getTemplate = (key: string) => ok(api.GET('/templates/{key}', { params: { path: { key } } }));
export const listVersions = (key: string) =>
  ok(api.GET('/templates/{key}/versions', { params: { path: { key } } }));

/** Checks and renders a draft without saving it: what saving would refuse, and the messages as they would read. */
export const previewTemplate = (key: string, body: TemplateBody) =>
  ok(api.POST('/templates/preview', { body: { key, ...body } }));

/** Saves an edit as the template's next version; a 400 becomes a `TemplateRefused` with its problems. */
export async function saveTemplate(key: string, body: TemplateBody): Promise<Template> {
  const answer = await api.PUT('/templates/{key}', { params: { path: { key } }, body });
  if (answer.response.status === 400 && answer.error) {
    const problems = answer.error.details?.problems;
    throw new TemplateRefused(
      400,
      answer.error.message,
      Array.isArray(problems) ? problems.map(String) : [answer.error.message],
    );
  }
  return ok(Promise.resolve(answer));
}
