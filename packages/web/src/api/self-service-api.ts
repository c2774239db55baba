/** The cardholder's self-service endpoints. */
import type {
  LoginResponse,
  MySecurityQuestions,
  SecurityAnswersBody,
  SelfServiceCard,
  SelfServiceMe,
  SelfServiceUnblockResponse,
} from '@cardwarden/contract';
import { cardholderApi as api } from './client.js';

export const selfServiceEndpoints = {
  login: (username: string, password: string) =>
    api.request<LoginResponse>('/api/v1/self-service/login', {
      method: 'POST',
      body: { username, password },
    }),
  logout: () => api.request<null>('/api/v1/auth/logout', { method: 'POST' }),
  me: () => api.request<SelfServiceMe>('/api/v1/self-service/me'),
  cards: () => api.request<{ items: SelfServiceCard[] }>('/api/v1/self-service/cards'),
  unblock: (cardId: string, challenge: string) =>
    api.request<SelfServiceUnblockResponse>(
      `/api/v1/self-service/cards/${encodeURIComponent(cardId)}/offline-unblock`,
      { method: 'POST', body: { challenge } },
    ),
  recordOutcome: (id: string, result: 'unblocked' | 'failed') =>
    api.request<unknown>(`/api/v1/self-service/offline-unblocks/${encodeURIComponent(id)}/outcome`, {
      method: 'POST',
      body: { result },
    }),
  securityAnswers: () => api.request<MySecurityQuestions>('/api/v1/self-service/security-answers'),
  setSecurityAnswers: (body: SecurityAnswersBody) =>
    api.request<null>('/api/v1/self-service/security-answers', { method: 'PUT', body }),
};
