/** The help-desk and admin endpoints the portals use, typed by the shared contract. */
import type {
  CardDetail,
  CreateOperatorBody,
  CreateProfileBody,
  CreateUserBody,
  IssuedResponse,
  LoginResponse,
  Me,
  OfflineUnblockSession,
  Operator,
  Profile,
  RegisterCardBody,
  UpdateCardBody,
  UpdateOperatorBody,
  UpdateProfileBody,
  UpdateUserBody,
  User,
  UserDetail,
} from '@cardwarden/contract';
import type { AuditEvent } from '@cardwarden/contract';
import { operatorApi as api } from './client.js';

// The contract exports list schemas, not list types: these mirror them.
export interface UserList {
  readonly items: User[];
  readonly total: number;
}
export interface CardList {
  readonly items: CardDetail[];
  readonly total: number;
}
export interface ProfileList {
  readonly items: Profile[];
}
export interface OperatorList {
  readonly items: Operator[];
}
export interface AuditList {
  readonly items: AuditEvent[];
  readonly total: number;
}

/** `RegisterCardResponse` in the contract (which exports the schema, not a type). */
export interface RegisterCardResult {
  readonly id: string;
  readonly adminKeyKcv: string;
  readonly adminKeyWarning: string | null;
}

export interface AuditFilters {
  readonly userId?: string;
  readonly cardId?: string;
  readonly actor?: string;
  readonly action?: string;
  readonly from?: string;
  readonly to?: string;
}

export const operatorEndpoints = {
  login: (username: string, password: string) =>
    api.request<LoginResponse>('/api/v1/auth/login', { method: 'POST', body: { username, password } }),
  logout: () => api.request<null>('/api/v1/auth/logout', { method: 'POST' }),
  me: () => api.request<Me>('/api/v1/auth/me'),

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
    api.request<RegisterCardResult>('/api/v1/cards', { method: 'POST', body }),
  updateCard: (id: string, body: UpdateCardBody) =>
    api.request<CardDetail>(`/api/v1/cards/${encodeURIComponent(id)}`, { method: 'PATCH', body }),

  resetAttempts: (id: string) =>
    api.request<CardDetail>(`/api/v1/cards/${encodeURIComponent(id)}/admin-key/reset-attempts`, {
      method: 'POST',
      body: {},
    }),

  startOfflineUnblock: (cardId: string, ticket: string | undefined) =>
    api.request<OfflineUnblockSession>(`/api/v1/cards/${encodeURIComponent(cardId)}/offline-unblocks`, {
      method: 'POST',
      body: ticket ? { ticket } : {},
    }),
  offlineUnblock: (id: string) =>
    api.request<OfflineUnblockSession>(`/api/v1/offline-unblocks/${encodeURIComponent(id)}`),
  awaitingApproval: () =>
    api.request<{ items: OfflineUnblockSession[] }>('/api/v1/offline-unblocks', {
      query: { awaitingApproval: 'true', limit: 100 },
    }),
  approve: (id: string) =>
    api.request<OfflineUnblockSession>(`/api/v1/offline-unblocks/${encodeURIComponent(id)}/approve`, {
      method: 'POST',
      body: {},
    }),
  verifyIdentity: (id: string, answers: readonly { questionId: string; answer: string }[]) =>
    api.request<{ verified: true }>(`/api/v1/offline-unblocks/${encodeURIComponent(id)}/identity`, {
      method: 'POST',
      body: { answers },
    }),
  issueResponse: (id: string, challenge: string) =>
    api.request<IssuedResponse>(`/api/v1/offline-unblocks/${encodeURIComponent(id)}/response`, {
      method: 'POST',
      body: { challenge },
    }),
  recordOutcome: (id: string, result: 'unblocked' | 'failed', ticket: string | undefined) =>
    api.request<unknown>(`/api/v1/offline-unblocks/${encodeURIComponent(id)}/outcome`, {
      method: 'POST',
      body: ticket ? { result, ticket } : { result },
    }),
  cancelOfflineUnblock: (id: string) =>
    api.request<unknown>(`/api/v1/offline-unblocks/${encodeURIComponent(id)}/cancel`, {
      method: 'POST',
      body: {},
    }),

  profiles: () => api.request<ProfileList>('/api/v1/profiles'),
  createProfile: (body: CreateProfileBody) =>
    api.request<Profile>('/api/v1/profiles', { method: 'POST', body }),
  updateProfile: (id: string, body: UpdateProfileBody) =>
    api.request<Profile>(`/api/v1/profiles/${encodeURIComponent(id)}`, { method: 'PATCH', body }),

  operators: () => api.request<OperatorList>('/api/v1/operators'),
  createOperator: (body: CreateOperatorBody) =>
    api.request<Operator>('/api/v1/operators', { method: 'POST', body }),
  updateOperator: (id: string, body: UpdateOperatorBody) =>
    api.request<Operator>(`/api/v1/operators/${encodeURIComponent(id)}`, { method: 'PATCH', body }),

  audit: (filters: AuditFilters, offset: number) =>
    api.request<AuditList>('/api/v1/audit', { query: { ...filters, limit: 50, offset } }),
  auditCsv: (filters: AuditFilters) => api.fetch('/api/v1/audit/export.csv', { query: { ...filters } }),
};
