import { api, ok } from './client';
import { done } from './client';
import type { components, operations } from './schema';

/** The admins' calls: staff accounts, API keys, retention rules and the audit log. */
export type StaffAccount = components['schemas']['StaffAccountDto'];
export type NewStaffUser = components['schemas']['CreateStaffUserDto'];
export type StaffChange = components['schemas']['UpdateStaffUserDto'];
export type Role = NewStaffUser['role'];
export type PasswordReset = components['schemas']['PasswordResetDto'];
export type ApiKey = components['schemas']['ApiKeyDto'];
export type ApiKeyCreated = components['schemas']['ApiKeyCreatedDto'];
export type RetentionRule = components['schemas']['RetentionRuleDto'];
export type RetentionResult = components['schemas']['RetentionResultDto'];
export type RetentionDue = components['schemas']['RetentionDueDto'];
export type AuditEntry = components['schemas']['AuditEntryDto'];
export type AuditPage = components['schemas']['AuditEntryPageDto'];
type AuditQuery = NonNullable<operations['AuditController_list']['parameters']['query']>;

export const ROLES: Role[] = ['admin', 'strategist', 'staff'];

export const listStaff = () => ok(api.GET('/staff-users'));
export const createStaff = (body: NewStaffUser) => ok(api.POST('/staff-users', { body }));
export const updateStaff = (id: string, body: StaffChange) =>
  ok(api.PATCH('/staff-users/{id}', { params: { path: { id } }, body }));
/** A new password chosen by the service, answered this once; the user's sessions end. */
export const resetPassword = (id: string) =>
  ok(api.POST('/staff-users/{id}/password', { params: { path: { id } }, body: {} }));
/** Removes the user's second factor and recovery codes (audited); their sessions end. */
export const resetSecondFactor = (id: string) =>
  ok(api.DELETE('/staff-users/{id}/second-factor', { params: { path: { id } } }));

export const listApiKeys = () => ok(api.GET('/auth/api-keys'));
export const createApiKey = (name: string, expiresInDays: number | null) =>
  ok(api.POST('/auth/api-keys', { body: { name, ...(expiresInDays ? { expiresInDays } : {}) } }));
export const revokeApiKey = (id: string) =>
  done(api.DELETE('/auth/api-keys/{id}', { params: { path: { id } } }));

export const listRules = () => ok(api.GET('/retention-rules'));
export const putRule = (source: string, days: number, after: string) =>
  ok(
    api.PUT('/retention-rules/{source}', {
      params: { path: { source } },
      body: { days, ...(after ? { after } : {}) },
    }),
  );
export const deleteRule = (source: string) =>
  done(api.DELETE('/retention-rules/{source}', { params: { path: { source } } }));
/** Per rule, how many contacts applying the rules now would erase. */
export const dueRules = () => ok(api.GET('/retention-rules/due'));
/** Erases nothing (409) when more contacts would go than `expected`, the count the person was shown. */
export const applyRules = (expected: number) =>
  ok(api.POST('/retention-rules/apply', { body: { expected } }));

export interface AuditFilter {
  staffUserId: string;
  action: string;
  /** Days (YYYY-MM-DD), both inclusive, in the browser's time zone. */
  from: string;
  to: string;
  page: number;
  perPage: number;
}

/** The start of a local day as an ISO time; `next` gives the start of the day after (an exclusive end). */
function dayStart(day: string, next = false): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y, m - 1, d + (next ? 1 : 0)).toISOString();
}

export function searchAudit(filter: AuditFilter): Promise<AuditPage> {
  const query: AuditQuery = {
    page: filter.page,
    perPage: filter.perPage,
  };
  if (filter.staffUserId) query.staffUserId = filter.staffUserId;
  if (filter.action.trim()) query.action = filter.action.trim();
  if (filter.from) query.from = dayStart(filter.from);
  if (filter.to) query.to = dayStart(filter.to, true);
  return ok(api.GET('/audit', { params: { query } }));
}
