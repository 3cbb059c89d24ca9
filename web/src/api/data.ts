import { api, ok } from './client';
import type { components } from './schema';

/** Every call a screen makes, typed by the service's OpenAPI document: a changed DTO fails the web build. */
export const listUsers = () => ok(api.GET('/staff-users'));
export const listSets = () => ok(api.GET('/region-sets'));
export const listFeatures = () => ok(api.GET('/features'));
export const listImports = () => ok(api.GET('/imports'));
export const getImport = (id: string) => ok(api.GET('/imports/{id}', { params: { path: { id } } }));
export const listRuns = () => ok(api.GET('/segmentations'));
export const getRun = (id: string) => ok(api.GET('/segmentations/{id}', { params: { path: { id } } }));
export const getRegion = (id: string) => ok(api.GET('/regions/{id}', { params: { path: { id } } }));
export const geometry = (set: string) => ok(api.GET('/geometry', { params: { query: { set } } }));
export const featureValues = (set: string, feature: string) =>
  ok(api.GET('/region-sets/values', { params: { query: { set, feature } } }));

/** Uploads a file as an import job of the given kind; the job is then followed with `getImport`. */
export function startImport(kind: string, file: File) {
  const form = new FormData();
  form.append('kind', kind);
  form.append('file', file);
  return ok(
    api.POST('/imports', {
      body: form as never,
      bodySerializer: (body) => body as unknown as FormData,
    }),
  );
}

export const listPresets = () => ok(api.GET('/segmentations/presets'));
export type NewRun = components['schemas']['CreateSegmentationDto'];
export const createRun = (body: NewRun) => ok(api.POST('/segmentations', { body }));
export const runProfile = (id: string) =>
  ok(api.GET('/segmentations/{id}/profile', { params: { path: { id } } }));
export const compareRuns = (id: string, otherId: string) =>
  ok(api.GET('/segmentations/{id}/compare/{otherId}', { params: { path: { id, otherId } } }));
export const updateSegment = (id: string, body: { name?: string; notes?: string }) =>
  ok(api.PATCH('/segments/{id}', { params: { path: { id } }, body }));
export const runMatches = (id: string) =>
  ok(api.GET('/segmentations/{id}/matches', { params: { path: { id } } }));
export const decideMatch = (id: string, segmentId: string, templateKey: string, comment: string) =>
  ok(
    api.PUT('/segmentations/{id}/matches/{segmentId}', {
      params: { path: { id, segmentId } },
      body: { templateKey, ...(comment.trim() && { comment }) },
    }),
  );
