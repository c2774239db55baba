/** The help-desk and admin endpoints the portals use, typed by the shared contract (types only). */
import type {
  AdminKeyCheckResponse,
  AuditList,
  CardDetail,
  CardList,
  CreateOperatorBody,
  CreateProfileBody,
  CreateUserBody,
  DirectoryConnectionTest,
  DirectoryStatus,
  DirectorySyncResult,
  IssuedResponse,
  LoginResponse,
  MasterKey,
  MasterKeyList,
  Me,
  OfflineUnblockSession,
  Operator,
  OperatorList,
  Outcome,
  Profile,
  ProfileList,
  RegisterCardBody,
  RegisterCardResponse,
  SecurityQuestion,
  SecurityQuestionList,
  Settings,
  UpdateCardBody,
  UpdateOperatorBody,
  UpdateProfileBody,
  UpdateUserBody,
  User,
  UserDetail,
  UserList,
} from '@cardwarden/contract';
import { endpoints } from '@cardwarden/contract/endpoints';
import { operatorApi as api } from './client.js';

export interface AuditFilters {
  readonly userId?: string;
  readonly cardId?: string;
  readonly username?: string;
  readonly cardSerial?: string;
  readonly actor?: string;
  readonly action?: string;
  readonly from?: string;
  readonly to?: string;
}

/** Who is signed in, and whether they must choose a new password before anything else. */
export type SignedInOperator = Me;

/** An offline unblock waiting for approval, with the cardholder and since when it waits. */
export type ApprovalRequest = OfflineUnblockSession;

/** The registration answer; `generatedAdminKey` only once, for a generated key. */
export type RegisteredCard = RegisterCardResponse;

export const operatorEndpoints = {
  login: (username: string, password: string) =>
    api.request<LoginResponse>('/api/v1/auth/login', { method: 'POST', body: { username, password } }),
  logout: () => api.request<null>('/api/v1/auth/logout', { method: 'POST' }),
  me: () => api.request<SignedInOperator>('/api/v1/auth/me'),
  changePassword: (currentPassword: string, newPassword: string) =>
    api.request<null>('/api/v1/auth/password', { method: 'POST', body: { currentPassword, newPassword } }),
  resetOperatorPassword: (id: string) =>
    api.request<{ oneTimePassword: string }>(`/api/v1/operators/${encodeURIComponent(id)}/password-reset`, {
      method: 'POST',
      body: {},
    }),
  settings: () => api.request<Settings>('/api/v1/settings'),
  directory: () => api.request<DirectoryStatus>('/api/v1/directory'),
  testDirectory: () => api.request<DirectoryConnectionTest>('/api/v1/directory/test', { method: 'POST' }),
  syncDirectory: (dryRun: boolean) =>
    api.request<DirectorySyncResult>('/api/v1/directory/sync', {
      method: 'POST',
      query: { dryRun: String(dryRun) },
    }),
  updateSettings: (changes: {
    readonly offlineUnblock?: boolean;
    readonly secondFactorRequiredFor?: readonly ('admin' | 'supervisor')[];
  }) => api.request<Settings>('/api/v1/settings', { method: 'PATCH', body: changes }),
  keyCheckValue: (algorithm: string, key: string, signal?: AbortSignal) =>
    api.request<AdminKeyCheckResponse>('/api/v1/admin-keys/check-value', {
      method: 'POST',
      body: { algorithm, key },
      ...(signal ? { signal } : {}),
    }),

  searchUsers: (q: string, signal?: AbortSignal) =>
    api.request<UserList>('/api/v1/users', { query: { q, limit: 25 }, ...(signal ? { signal } : {}) }),
  user: (id: string) => api.request<UserDetail>(`/api/v1/users/${encodeURIComponent(id)}`),
  createUser: (body: CreateUserBody) => api.request<User>('/api/v1/users', { method: 'POST', body }),
  updateUser: (id: string, body: UpdateUserBody) =>
    api.request<User>(`/api/v1/users/${encodeURIComponent(id)}`, { method: 'PATCH', body }),
  setUserPassword: (id: string, password: string) =>
    api.request<unknown>(`/api/v1/users/${encodeURIComponent(id)}/password`, {
      method: 'PUT',
      body: { password },
    }),

  searchCards: (serial: string, signal?: AbortSignal) =>
    api.request<CardList>('/api/v1/cards', { query: { serial, limit: 50 }, ...(signal ? { signal } : {}) }),
  card: (id: string) => api.request<CardDetail>(`/api/v1/cards/${encodeURIComponent(id)}`),
  registerCard: (body: RegisterCardBody) =>
    api.request<RegisteredCard>('/api/v1/cards', { method: 'POST', body }),
  updateCard: (id: string, body: UpdateCardBody) =>
    api.request<CardDetail>(`/api/v1/cards/${encodeURIComponent(id)}`, { method: 'PATCH', body }),

  resetAttempts: (id: string, reason: string, ticket: string | undefined) =>
    api.request<CardDetail>(`/api/v1/cards/${encodeURIComponent(id)}/admin-key/reset-attempts`, {
      method: 'POST',
      body: ticket ? { reason, ticket } : { reason },
    }),

  startOfflineUnblock: (cardId: string, ticket: string | undefined) =>
    api.call(endpoints.offlineUnblocks.start, { params: { id: cardId }, body: ticket ? { ticket } : {} }),
  offlineUnblock: (id: string) => api.call(endpoints.offlineUnblocks.get, { params: { id } }),
  awaitingApproval: () =>
    api.call(endpoints.offlineUnblocks.list, { query: { awaitingApproval: 'true', limit: 100 } }),
  approve: (id: string) => api.call(endpoints.offlineUnblocks.approve, { params: { id }, body: {} }),
  verifyIdentity: (id: string, answers: readonly { questionId: string; answer: string }[]) =>
    api.call(endpoints.offlineUnblocks.identity, { params: { id }, body: { answers } }),
  issueResponse: (id: string, challenge: string) =>
    api.call(endpoints.offlineUnblocks.response, { params: { id }, body: { challenge } }),
  recordOutcome: (id: string, result: Outcome, ticket: string | undefined) =>
    api.call(endpoints.offlineUnblocks.outcome, {
      params: { id },
      body: ticket ? { result, ticket } : { result },
    }),
  cancelOfflineUnblock: (id: string) => api.call(endpoints.offlineUnblocks.cancel, { params: { id } }),

  profiles: () => api.request<ProfileList>('/api/v1/profiles'),
  createProfile: (body: CreateProfileBody) =>
    api.request<Profile>('/api/v1/profiles', { method: 'POST', body }),
  updateProfile: (id: string, body: UpdateProfileBody) =>
    api.request<Profile>(`/api/v1/profiles/${encodeURIComponent(id)}`, { method: 'PATCH', body }),
  masters: (profileId: string) =>
    api.request<MasterKeyList>(`/api/v1/profiles/${encodeURIComponent(profileId)}/masters`),
  rotateMaster: (profileId: string, reason: string | undefined) =>
    api.request<MasterKey>(`/api/v1/profiles/${encodeURIComponent(profileId)}/masters`, {
      method: 'POST',
      body: reason ? { reason } : {},
    }),

  operators: () => api.request<OperatorList>('/api/v1/operators'),
  createOperator: (body: CreateOperatorBody) =>
    api.request<Operator>('/api/v1/operators', { method: 'POST', body }),
  updateOperator: (id: string, body: UpdateOperatorBody) =>
    api.request<Operator>(`/api/v1/operators/${encodeURIComponent(id)}`, { method: 'PATCH', body }),

  securityQuestions: () => api.request<SecurityQuestionList>('/api/v1/security-questions'),
  createSecurityQuestion: (text: string) =>
    api.request<SecurityQuestion>('/api/v1/security-questions', { method: 'POST', body: { text } }),
  updateSecurityQuestion: (id: string, changes: { readonly text?: string; readonly active?: boolean }) =>
    api.request<SecurityQuestion>(`/api/v1/security-questions/${encodeURIComponent(id)}`, {
      method: 'PATCH',
      body: changes,
    }),
  setCustomQuestionsAllowed: (allowCustom: boolean) =>
    api.request<{ allowCustom: boolean }>('/api/v1/security-questions/settings', {
      method: 'PUT',
      body: { allowCustom },
    }),
  clearSecurityLockout: (userId: string, ticket: string | undefined) =>
    api.request<null>(`/api/v1/users/${encodeURIComponent(userId)}/security-lockout`, {
      method: 'DELETE',
      query: { ticket },
    }),

  audit: (filters: AuditFilters, offset: number) =>
    api.request<AuditList>('/api/v1/audit', { query: { ...filters, limit: 50, offset } }),
  auditCsv: (filters: AuditFilters) => api.fetch('/api/v1/audit/export.csv', { query: { ...filters } }),
};
