/** The cardholder's self-service endpoints. */
import type {
  LoginResponse,
  MySecurityQuestions,
  Outcome,
  SecurityAnswersBody,
  SelfServiceCard,
  SelfServiceMe,
  SelfServiceUnblockResponse,
} from '@cardwarden/contract';
import { cardholderApi as api } from './client.js';

/** The signed-in cardholder, and whether this installation sends email. */
export type SignedInCardholder = SelfServiceMe;

export const selfServiceEndpoints = {
  login: (username: string, password: string) =>
    api.request<LoginResponse>('/api/v1/self-service/login', {
      method: 'POST',
      body: { username, password },
    }),
  logout: () => api.request<null>('/api/v1/auth/logout', { method: 'POST' }),
  me: () => api.request<SignedInCardholder>('/api/v1/self-service/me'),
  changePassword: (currentPassword: string, newPassword: string) =>
    api.request<null>('/api/v1/self-service/password', {
      method: 'POST',
      body: { currentPassword, newPassword },
    }),
  cards: () => api.request<{ items: SelfServiceCard[] }>('/api/v1/self-service/cards'),
  unblock: (cardId: string, challenge: string, ssoStepUp?: string) =>
    api.request<SelfServiceUnblockResponse>(
      `/api/v1/self-service/cards/${encodeURIComponent(cardId)}/offline-unblock`,
      { method: 'POST', body: ssoStepUp ? { challenge, ssoStepUp } : { challenge } },
    ),
  recordOutcome: (id: string, result: Outcome) =>
    api.request<unknown>(`/api/v1/self-service/offline-unblocks/${encodeURIComponent(id)}/outcome`, {
      method: 'POST',
      body: { result },
    }),
  securityAnswers: () => api.request<MySecurityQuestions>('/api/v1/self-service/security-answers'),
  setSecurityAnswers: (body: SecurityAnswersBody) =>
    api.request<null>('/api/v1/self-service/security-answers', { method: 'PUT', body }),
};
