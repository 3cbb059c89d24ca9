import { api, done, ok } from './client';
import { serverConfig } from '../lib/config.svelte';
import type { components, operations } from './schema';

/** The calls of the contacts screens, one contact's page and the contacts upload, typed by the OpenAPI document. */
export type Contact = components['schemas']['ContactDto'];
export type ContactPage = components['schemas']['ContactPageDto'];
export type ContactDetail = components['schemas']['ContactDetailDto'];
export type ConsentEvent = components['schemas']['ConsentEventDto'];
export type ConsentState = components['schemas']['ConsentStateDto'];
export type RecordConsent = components['schemas']['RecordConsentDto'];
export type ContactExport = components['schemas']['ContactExportDto'];
export type ImportPreview = components['schemas']['ImportPreviewDto'];
export type ImportMapping = components['schemas']['ImportMappingDto'];
export type ImportJob = components['schemas']['ImportJobDto'];
export type RowError = components['schemas']['RowErrorDto'];
export type ContactQuery = NonNullable<operations['ContactsController_list']['parameters']['query']>;
export type ConfirmationFilter = NonNullable<
  operations['ConfirmationsController_pending']['parameters']['query']
>;
export type ReleaseProgress = components['schemas']['ConfirmationReleaseProgressDto'];
export type Channel = NonNullable<ContactQuery['channel']>;
export type ConsentStatus = NonNullable<ContactQuery['consent']>;

export const CONSENT_STATUSES: ConsentStatus[] = ['none', 'requested', 'confirmed', 'withdrawn'];
export const CONSENT_ACTIONS: RecordConsent['action'][] = ['requested', 'confirmed', 'withdrawn'];

/** The filters of the contacts list; empty ones are left out of the request. */
export interface ContactFilter {
  q: string;
  regionId: string;
  segmentId: string;
  language: string;
  channel: Channel;
  purpose: string;
  consent: ConsentStatus | '';
  /** Only people whose consent on `channel` waits for a confirmation request nobody sent yet. */
  unasked: boolean;
  page: number;
  perPage: number;
}

export function listContacts(filter: ContactFilter): Promise<ContactPage> {
  const query: ContactQuery = {
    page: filter.page,
    perPage: filter.perPage,
  };
  if (filter.q.trim()) query.q = filter.q.trim();
  if (filter.regionId) query.regionId = filter.regionId;
  if (filter.segmentId) query.segmentId = filter.segmentId;
  if (filter.language.trim()) query.language = filter.language.trim().toLowerCase();
  if (filter.consent) {
    query.consent = filter.consent;
    query.channel = filter.channel;
    if (filter.purpose.trim()) query.purpose = filter.purpose.trim();
  }
  if (filter.unasked) {
    query.confirmation = 'unasked';
    query.channel = filter.channel;
  }
  return ok(api.GET('/contacts', { params: { query } }));
}

export const getContact = (id: string) => ok(api.GET('/contacts/{id}', { params: { path: { id } } }));

export const recordConsent = (id: string, body: RecordConsent) =>
  ok(api.POST('/contacts/{id}/consent', { params: { path: { id } }, body }));

export const exportContact = (id: string) =>
  ok(api.GET('/contacts/{id}/export', { params: { path: { id } } }));

/** Art. 17: the contact goes; its addresses are kept only as hashes that keep later imports from reviving it. */
export const eraseContact = (id: string) => done(api.DELETE('/contacts/{id}', { params: { path: { id } } }));

/** The regions of the current sets (a filter of the list). */
export const listRegions = () => ok(api.GET('/regions', { params: { query: { perPage: 500 } } }));

/** How a contacts file is to be read: a mapping given field by field, or a saved one by its name. */
export interface ImportChoice {
  mapping?: Record<string, string>;
  mappingName?: string;
  purpose?: string;
  source?: string;
  /** Send the double opt-in requests the file leaves waiting with the import (default: no). */
  sendConfirmations?: boolean;
}

function importForm(file: File, choice: ImportChoice): FormData {
  const form = new FormData();
  form.append('kind', 'contacts');
  if (choice.mappingName) form.append('mappingName', choice.mappingName);
  else if (choice.mapping && Object.keys(choice.mapping).length)
    form.append('mapping', JSON.stringify(choice.mapping));
  if (choice.purpose?.trim()) form.append('purpose', choice.purpose.trim());
  if (choice.source?.trim()) form.append('source', choice.source.trim());
  if (choice.sendConfirmations) form.append('sendConfirmations', 'true');
  form.append('file', file);
  return form;
}

/** Reads the first rows of a file as the import would, writing nothing. */
export const previewImport = (file: File, choice: ImportChoice) =>
  ok(
    api.POST('/imports/preview', {
      body: importForm(file, choice) as never,
      bodySerializer: (body) => body as unknown as FormData,
    }),
  );

/** Starts the import job; it is then followed with `getImport` (data.ts). */
export const startContactImport = (file: File, choice: ImportChoice) =>
  ok(
    api.POST('/imports', {
      body: importForm(file, choice) as never,
      bodySerializer: (body) => body as unknown as FormData,
    }),
  );

export const listMappings = async () =>
  (await ok(api.GET('/import-mappings'))).filter((m) => m.kind === 'contacts');

export const saveMapping = (name: string, mapping: Record<string, string>) =>
  ok(api.PUT('/import-mappings/{name}', { params: { path: { name } }, body: { kind: 'contacts', mapping } }));

/** A message for the next screen to show once (the list, after an erasure). */
export const notice = { text: '' };

/** How many people a release over the filter would ask to confirm now, per channel. */
export const pendingConfirmations = (filter: ConfirmationFilter) =>
  ok(api.GET('/confirmations/pending', { params: { query: filter } }));

/** Asks them, refused (409) when more would be asked than `expected`, the count the person saw. */
export const releaseConfirmations = (filter: ConfirmationFilter, expected: number) =>
  ok(
    api.POST('/confirmations/releases', {
      body: { ...filter, channels: [...serverConfig().channels], expected },
    }),
  );

export const releaseProgress = (id: string) =>
  ok(api.GET('/confirmations/releases/{id}', { params: { path: { id } } }));

/** The part of the list's filter a release of confirmation requests reads. */
export function confirmationFilter(filter: ContactFilter): ConfirmationFilter {
  const chosen: ConfirmationFilter = {};
  if (filter.q.trim()) chosen.q = filter.q.trim();
  if (filter.regionId) chosen.regionId = filter.regionId;
  if (filter.segmentId) chosen.segmentId = filter.segmentId;
  if (filter.language.trim()) chosen.language = filter.language.trim().toLowerCase();
  return chosen;
}

/** Staff ask one person to confirm on a channel, again if they were asked before: queued, or the gate's reason. */
export const askAgain = (id: string, channel: Channel) =>
  ok(api.POST('/contacts/{id}/confirmation', { params: { path: { id } }, body: { channel } }));
