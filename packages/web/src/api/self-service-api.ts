/** The cardholder's self-service endpoints. */
import type { Outcome, SecurityAnswersBody, SelfServiceMe } from '@cardwarden/contract';
import { endpoints } from '@cardwarden/contract/endpoints';
import { cardholderApi as api } from './client.js';

/** The signed-in cardholder, and whether this installation sends email. */
export type SignedInCardholder = SelfServiceMe;

export const selfServiceEndpoints = {
  login: (username: string, password: string) =>
    api.call(endpoints.selfService.login, { body: { username, password } }),
  logout: () => api.call(endpoints.auth.logout),
  me: () => api.call(endpoints.selfService.me),
  changePassword: (currentPassword: string, newPassword: string) =>
    api.call(endpoints.selfService.changePassword, { body: { currentPassword, newPassword } }),
  cards: () => api.call(endpoints.selfService.cards),
  unblock: (cardId: string, challenge: string, ssoStepUp?: string) =>
    api.call(endpoints.selfService.offlineUnblock, {
      params: { id: cardId },
      body: ssoStepUp ? { challenge, ssoStepUp } : { challenge },
    }),
  recordOutcome: (id: string, result: Outcome) =>
    api.call(endpoints.selfService.outcome, { params: { id }, body: { result } }),
  securityAnswers: () => api.call(endpoints.securityQuestions.myAnswers),
  setSecurityAnswers: (body: SecurityAnswersBody) =>
    api.call(endpoints.securityQuestions.setMyAnswers, { body }),
};
