/** Self-service for cardholders: sign-in, their password, their cards and offline unblock of them. */
import { z } from 'zod';
import { ChangePasswordBody, LoginBody, LoginResponse } from '../schemas/auth.js';
import { IdParams } from '../schemas/common.js';
import { OfflineUnblockSession } from '../schemas/offline-unblocks.js';
import {
  SelfServiceCardList,
  SelfServiceMe,
  SelfServiceOutcomeBody,
  SelfServiceUnblockBody,
  SelfServiceUnblockResponse,
} from '../schemas/self-service.js';
import { defineRoute } from './route.js';

const tags = ['self-service'];

export const selfService = {
  login: defineRoute({
    method: 'POST',
    path: '/api/v1/self-service/login',
    summary: 'Cardholder sign-in with the self-service password an admin set',
    tags,
    auth: 'none',
    body: LoginBody,
    responses: { 200: LoginResponse },
    // 401 wrong username or password; 403 a suspended account (right password); 429 the sign-in
    // throttles, the argon2 queue and the anonymous lane (http/anonymous-admission.ts).
    errors: [401, 403, 429],
  }),
  me: defineRoute({
    method: 'GET',
    path: '/api/v1/self-service/me',
    summary: 'The signed-in cardholder',
    tags,
    auth: 'bearer',
    responses: { 200: SelfServiceMe },
    errors: [],
  }),
  changePassword: defineRoute({
    method: 'POST',
    path: '/api/v1/self-service/password',
    summary: 'Change my self-service password; ends my other sessions',
    tags,
    auth: 'bearer',
    body: ChangePasswordBody,
    responses: { 204: z.null() },
    // 409 a directory account (its password is the directory's); 422 the new password is the current
    // one; 429 too many wrong current passwords.
    errors: [409, 422, 429],
  }),
  cards: defineRoute({
    method: 'GET',
    path: '/api/v1/self-service/cards',
    summary: "My cards, and whether each offers 'Unblock PIN offline'",
    tags,
    auth: 'bearer',
    responses: { 200: SelfServiceCardList },
    errors: [],
  }),
  offlineUnblock: defineRoute({
    method: 'POST',
    path: '/api/v1/self-service/cards/:id/offline-unblock',
    summary: 'Unblock PIN offline: the response to the challenge my card shows',
    tags,
    auth: 'bearer',
    params: IdParams,
    body: SelfServiceUnblockBody,
    responses: { 200: SelfServiceUnblockResponse },
    // 409 the card, its holder or its admin key cannot be unblocked now, or only the last attempt is
    // left; 422 a mistyped challenge.
    errors: [404, 409, 422],
  }),
  outcome: defineRoute({
    method: 'POST',
    path: '/api/v1/self-service/offline-unblocks/:id/outcome',
    summary: 'It worked / it failed',
    tags,
    auth: 'bearer',
    params: IdParams,
    body: SelfServiceOutcomeBody,
    responses: { 200: OfflineUnblockSession },
    errors: [404, 409],
  }),
};
