/**
 * Online unlock from the cardholder's workstation (the unlock tool): anonymous, the security answers are
 * the proof. Every route is in the server's anonymous lane and under the per-address rate limit, so each
 * can be refused 429 (a limit reached, the lane or the argon2 queue full, a statement timed out under
 * load) before it does anything.
 */
import { IdParams } from '../schemas/common.js';
import {
  OnlineUnlockConfirmation,
  OnlineUnlockConfirmBody,
  OnlineUnlockMutualAuthBody,
  OnlineUnlockMutualAuthResponse,
  OnlineUnlockOutcome,
  OnlineUnlockOutcomeBody,
  OnlineUnlockResponse,
  OnlineUnlockResponseBody,
  OnlineUnlockSession,
  PinPolicy,
  PinPolicyQuery,
  StartOnlineUnlockBody,
} from '../schemas/online-unlock.js';
import { defineRoute } from './route.js';

const tags = ['online unlock'];

export const onlineUnlock = {
  pinPolicy: defineRoute({
    method: 'GET',
    path: '/api/v1/online-unlock/pin-policy',
    summary:
      "The PIN rules of a card's profile, for the unlock tool (an unknown serial gets the default rules)",
    tags,
    auth: 'none',
    query: PinPolicyQuery,
    responses: { 200: PinPolicy },
    errors: [429],
  }),
  start: defineRoute({
    method: 'POST',
    path: '/api/v1/online-unlock/sessions',
    summary: "Start an online unlock for the card in the workstation's reader: the questions to ask",
    tags,
    auth: 'none',
    body: StartOnlineUnlockBody,
    responses: { 201: OnlineUnlockSession },
    // 403 not available for this card (one answer for every reason, unknown serials too) or an SSO
    // step-up owed; 423 online unlock locked for the cardholder after wrong answers.
    errors: [403, 423, 429],
  }),
  response: defineRoute({
    method: 'POST',
    path: '/api/v1/online-unlock/sessions/:id/response',
    summary: 'Answers and the challenge in, the response out (one per session)',
    tags,
    auth: 'none',
    params: IdParams,
    body: OnlineUnlockResponseBody,
    responses: { 200: OnlineUnlockResponse },
    // 401 wrong answers; 403 no longer available for the card, or its 24 h budget spent; 409 the
    // session closed or expired, or only the last admin-key attempt left; 422 a mistyped challenge;
    // 423 locked after wrong answers.
    errors: [401, 403, 404, 409, 422, 423, 429],
  }),
  mutualAuth: defineRoute({
    method: 'POST',
    path: '/api/v1/online-unlock/sessions/:id/mutual-auth',
    summary:
      "GIDS cards: answers and the card's R2 in, the server's mutual-authentication cryptogram out (one per session)",
    tags,
    auth: 'none',
    params: IdParams,
    body: OnlineUnlockMutualAuthBody,
    responses: { 200: OnlineUnlockMutualAuthResponse },
    // As the response, but no challenge to mistype (R2's form is the body's); 409 also for a card that
    // cannot prove the unblock this way.
    errors: [401, 403, 404, 409, 423, 429],
  }),
  confirmMutualAuth: defineRoute({
    method: 'POST',
    path: '/api/v1/online-unlock/sessions/:id/mutual-auth/confirm',
    summary: "The card's own cryptogram, which proves the unblock and resets the card's attempt count",
    tags,
    auth: 'none',
    params: IdParams,
    body: OnlineUnlockConfirmBody,
    responses: { 200: OnlineUnlockConfirmation },
    // 409 no mutual authentication to confirm; 422 the cryptogram does not prove the unblock.
    errors: [404, 409, 422, 429],
  }),
  outcome: defineRoute({
    method: 'POST',
    path: '/api/v1/online-unlock/sessions/:id/outcome',
    summary: 'Whether the card took the response',
    tags,
    auth: 'none',
    params: IdParams,
    body: OnlineUnlockOutcomeBody,
    responses: { 200: OnlineUnlockOutcome },
    // 409 no response issued, or the outcome recorded already.
    errors: [404, 409, 429],
  }),
};
