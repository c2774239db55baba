/** The help-desk and admin endpoints the portals use, typed by the shared contract (types only). */
import type {
  CreateOperatorBody,
  CreateProfileBody,
  CreateUserBody,
  Me,
  OfflineUnblockSession,
  Outcome,
  RegisterCardBody,
  RegisterCardResponse,
  UpdateCardBody,
  UpdateOperatorBody,
  UpdateProfileBody,
  UpdateUserBody,
} from '@cardwarden/contract';
import { endpoints } from '@cardwarden/contract/endpoints';
import type { AdminKeyAlgorithm } from '@cardwarden/protocol/admin-key';
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
    api.call(endpoints.auth.login, { body: { username, password } }),
  logout: () => api.call(endpoints.auth.logout),
  me: () => api.call(endpoints.auth.me),
  changePassword: (currentPassword: string, newPassword: string) =>
    api.call(endpoints.auth.changePassword, { body: { currentPassword, newPassword } }),
  resetOperatorPassword: (id: string) => api.call(endpoints.operators.resetPassword, { params: { id } }),
  settings: () => api.call(endpoints.settings.get),
  directory: () => api.call(endpoints.directory.status),
  testDirectory: () => api.call(endpoints.directory.test),
  syncDirectory: (dryRun: boolean) =>
    api.call(endpoints.directory.sync, { query: { dryRun: dryRun ? 'true' : 'false' } }),
  updateSettings: (changes: {
    readonly offlineUnblock?: boolean;
    readonly secondFactorRequiredFor?: readonly ('admin' | 'supervisor')[];
  }) => api.call(endpoints.settings.update, { body: changes }),
  keyCheckValue: (algorithm: AdminKeyAlgorithm, key: string, signal?: AbortSignal) =>
    api.call(endpoints.adminKeys.checkValue, { body: { algorithm, key }, signal }),

  searchUsers: (q: string, signal?: AbortSignal) =>
    api.call(endpoints.users.list, { query: { q, limit: 25 }, signal }),
  user: (id: string) => api.call(endpoints.users.get, { params: { id } }),
  createUser: (body: CreateUserBody) => api.call(endpoints.users.create, { body }),
  updateUser: (id: string, body: UpdateUserBody) =>
    api.call(endpoints.users.update, { params: { id }, body }),
  setUserPassword: (id: string, password: string) =>
    api.call(endpoints.users.setPassword, { params: { id }, body: { password } }),

  searchCards: (serial: string, signal?: AbortSignal) =>
    api.call(endpoints.cards.list, { query: { serial, limit: 50 }, signal }),
  card: (id: string) => api.call(endpoints.cards.get, { params: { id } }),
  registerCard: (body: RegisterCardBody) => api.call(endpoints.cards.create, { body }),
  updateCard: (id: string, body: UpdateCardBody) =>
    api.call(endpoints.cards.update, { params: { id }, body }),

  resetAttempts: (id: string, reason: string, ticket: string | undefined) =>
    api.call(endpoints.cards.resetAdminKeyAttempts, {
      params: { id },
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

  profiles: () => api.call(endpoints.profiles.list),
  createProfile: (body: CreateProfileBody) => api.call(endpoints.profiles.create, { body }),
  updateProfile: (id: string, body: UpdateProfileBody) =>
    api.call(endpoints.profiles.update, { params: { id }, body }),
  masters: (profileId: string) => api.call(endpoints.masters.list, { params: { id: profileId } }),
  rotateMaster: (profileId: string, reason: string | undefined) =>
    api.call(endpoints.masters.create, { params: { id: profileId }, body: reason ? { reason } : {} }),

  operators: () => api.call(endpoints.operators.list),
  createOperator: (body: CreateOperatorBody) => api.call(endpoints.operators.create, { body }),
  updateOperator: (id: string, body: UpdateOperatorBody) =>
    api.call(endpoints.operators.update, { params: { id }, body }),

  securityQuestions: () => api.call(endpoints.securityQuestions.list),
  createSecurityQuestion: (text: string) => api.call(endpoints.securityQuestions.create, { body: { text } }),
  updateSecurityQuestion: (id: string, changes: { readonly text?: string; readonly active?: boolean }) =>
    api.call(endpoints.securityQuestions.update, { params: { id }, body: changes }),
  setCustomQuestionsAllowed: (allowCustom: boolean) =>
    api.call(endpoints.securityQuestions.updateSettings, { body: { allowCustom } }),
  clearSecurityLockout: (userId: string, ticket: string | undefined) =>
    api.call(endpoints.securityQuestions.clearLockout, { params: { id: userId }, query: { ticket } }),

  audit: (filters: AuditFilters, offset: number) =>
    api.call(endpoints.audit.list, { query: { ...filters, limit: 50, offset } }),
  auditCsv: (filters: AuditFilters) => api.download(endpoints.audit.exportCsv, { query: { ...filters } }),
};
