import { api, ApiError, ok } from './client';
import type { components } from './schema';

/** The calls of the waves and events screens, typed by the service's OpenAPI document. */
export type Wave = components['schemas']['WaveDto'];
export type WaveDetail = components['schemas']['WaveDetailDto'];
export type WaveStatus = Wave['status'];
export type Channel = Wave['channel'];
export type NewWave = components['schemas']['CreateWaveDto'];
export type WaveChange = components['schemas']['UpdateWaveDto'];
export type Audience = components['schemas']['AudienceDto'];
export type WavePreview = components['schemas']['WavePreviewDto'];
export type WaveMonitor = components['schemas']['WaveMonitorDto'];
export type WaveResults = components['schemas']['WaveResultsDto'];
export type CampaignResults = components['schemas']['CampaignResultsDto'];
export type CampaignCell = CampaignResults['cells'][number];
export type ResultGroup = components['schemas']['ResultGroupDto'];
export type Rate = components['schemas']['RateDto'];
export type MessageStatus = keyof components['schemas']['MessageCountsDto'];
export type CampaignEvent = components['schemas']['EventDto'];
export type EventDetail = components['schemas']['EventDetailDto'];
export type NewEvent = components['schemas']['CreateEventDto'];
export type Reminder = components['schemas']['ReminderDto'];
export type Region = components['schemas']['RegionDto'];
export type WaveTemplate = components['schemas']['WaveTemplateDto'];
export type TemplateUses = components['schemas']['TemplateUsesDto'];

export const WAVE_STATUSES: WaveStatus[] = [
  'draft',
  'scheduled',
  'needs-approval',
  'sending',
  'paused',
  'completed',
  'cancelled',
];
export const MESSAGE_STATUSES: MessageStatus[] = [
  'queued',
  'sending',
  'sent',
  'delivered',
  'failed',
  'bounced',
  'skipped',
];
/** A wave in one of these is done: its monitor stops polling. */
export const FINISHED: WaveStatus[] = ['completed', 'cancelled'];

/** A definition the API refused, with every problem it named (`details.problems`). */
export class WaveRefused extends ApiError {
  constructor(
    status: number,
    message: string,
    readonly problems: string[],
  ) {
    super(status, message);
  }
}

/** A refused save as its form lists it: the API's status (null: no answer) and every problem it named. */
export function refusalOf(e: unknown): { status: number | null; problems: string[] } {
  if (e instanceof WaveRefused) return { status: e.status, problems: e.problems };
  if (e instanceof ApiError) return { status: e.status, problems: [e.message] };
  return { status: null, problems: [String(e)] };
}

/** Unwraps an answer like `ok`, but a 400 with `details.problems` becomes a `WaveRefused` listing them. */
async function checked<T>(
  call: Promise<{
    data?: T;
    error?: { message: string; details?: { [key: string]: unknown } };
    response: Response;
  }>,
): Promise<NonNullable<T>> {
  const answer = await call;
  const problems = answer.error?.details?.problems;
  if (answer.response.status === 400 && answer.error && Array.isArray(problems))
    throw new WaveRefused(400, answer.error.message, problems.map(String));
  return ok(Promise.resolve(answer));
}

const path = (id: string) => ({ params: { path: { id } } });

export const listWaves = () => ok(api.GET('/waves'));
/** The waves that wait for the signed-in strategist or admin to approve them. */
export const wavesAwaitingMyApproval = () =>
  ok(api.GET('/waves', { params: { query: { awaiting: 'my-approval' } } }));

/** Why the wave's launch would be refused, as far as its page knows; null: nothing it knows of. */
export type LaunchBlock = 'approval-missing' | 'approval-outdated' | 'grown' | 'own-approval';

/**
 * The refusals of a launch the wave's page can foresee from the wave and its preview, as the API judges them: above
 * the threshold a wave needs an approval of its revision now, for no more than the tolerance above the count
 * approved, given by someone other than the person launching.
 */
export function launchBlock(
  wave: WaveDetail,
  preview: WavePreview | null,
  launcher: string,
): LaunchBlock | null {
  if (!preview || !preview.approval.required) return null;
  const approval = wave.approval;
  if (!approval) return 'approval-missing';
  if (approval.revision !== wave.revision || approval.final === null) return 'approval-outdated';
  if (preview.final > Math.floor(approval.final * (1 + preview.approval.tolerance / 100) + 1e-9))
    return 'grown';
  if (approval.by === launcher) return 'own-approval';
  return null;
}
export const getWave = (id: string) => ok(api.GET('/waves/{id}', path(id)));
export const createWave = (body: NewWave) => checked(api.POST('/waves', { body }));
export const updateWave = (id: string, body: WaveChange) =>
  checked(api.PATCH('/waves/{id}', { ...path(id), body }));
export const previewWave = (id: string) => ok(api.POST('/waves/{id}/preview', path(id)));
/** Approves the revision the approver saw (the preview's): a wave that changed since is refused with what changed. */
export const approveWave = (id: string, revision: number) =>
  ok(api.POST('/waves/{id}/approve', { ...path(id), body: { revision } }));
export const launchWave = (id: string) => ok(api.POST('/waves/{id}/launch', path(id)));
export const pauseWave = (id: string) => ok(api.POST('/waves/{id}/pause', path(id)));
export const resumeWave = (id: string) => ok(api.POST('/waves/{id}/resume', path(id)));
export const cancelWave = (id: string) => ok(api.POST('/waves/{id}/cancel', path(id)));
export const waveProgress = (id: string) => ok(api.GET('/waves/{id}/progress', path(id)));
export const waveResults = (id: string) => ok(api.GET('/waves/{id}/results', path(id)));
/** Which issue worked where: per segment × issue over the launched waves of a segmentation. */
export const campaignResults = (runId: string) => ok(api.GET('/segmentations/{id}/results', path(runId)));
/** The results as CSV: a plain link, so the browser downloads it with the session's cookie. */
export const waveResultsCsv = (id: string) => `/waves/${encodeURIComponent(id)}/results.csv`;

/** Where a template is decided: matches approved at an older version, and the waves not yet launched that send it. */
export const templateUses = (key: string) =>
  ok(api.GET('/templates/{key}/uses', { params: { path: { key } } }));

export const listEvents = () => ok(api.GET('/events'));
export const getEvent = (id: string) => ok(api.GET('/events/{id}', path(id)));
export const createEvent = (body: NewEvent) => checked(api.POST('/events', { body }));

/** Every region of a set (the API pages by at most 500). */
export async function regionsOf(set: string): Promise<Region[]> {
  const all: Region[] = [];
  for (let page = 1; ; page++) {
    const answer = await ok(api.GET('/regions', { params: { query: { set, page, perPage: 500 } } }));
    all.push(...answer.items);
    if (all.length >= answer.total || answer.items.length === 0) return all;
  }
}

/** Runs `work` over `items`, at most `width` at a time. */
export async function eachLimited<T, R>(
  items: T[],
  width: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  });
  await Promise.all(runners);
  return results;
}
