import { api, ok } from './client';

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
