/** Cards: registration with an admin key, search, changes, the admin-key count and key, the inventory CSV. */
import { z } from 'zod';
import {
  CardDetail,
  CardList,
  CardSearchQuery,
  RegisterCardBody,
  RegisterCardResponse,
  ReplaceAdminKeyBody,
  ResetAttemptsBody,
  UpdateCardBody,
} from '../schemas/cards.js';
import { IdParams } from '../schemas/common.js';
import { defineRoute } from './route.js';

const tags = ['cards'];

export const cards = {
  create: defineRoute({
    method: 'POST',
    path: '/api/v1/cards',
    summary:
      'Register a card with its admin key, imported (hex) or generated (admin); answers the KCV, and a generated key once, in this answer only',
    tags,
    auth: 'bearer',
    body: RegisterCardBody,
    responses: { 201: RegisterCardResponse },
    // 404 user or profile unknown; 409 serial taken, derive under a profile that does not derive;
    // 422 a typed key that is not hex of the algorithm's length.
    errors: [404, 409, 422],
  }),
  list: defineRoute({
    method: 'GET',
    path: '/api/v1/cards',
    summary: 'Card Search by serial (any part, any case)',
    tags,
    auth: 'bearer',
    query: CardSearchQuery,
    responses: { 200: CardList },
    errors: [],
  }),
  get: defineRoute({
    method: 'GET',
    path: '/api/v1/cards/:id',
    summary: 'A card with its holder',
    tags,
    auth: 'bearer',
    params: IdParams,
    responses: { 200: CardDetail },
    errors: [404],
  }),
  update: defineRoute({
    method: 'PATCH',
    path: '/api/v1/cards/:id',
    summary: "Change a card's state or profile (admin)",
    tags,
    auth: 'bearer',
    params: IdParams,
    body: UpdateCardBody,
    responses: { 200: CardDetail },
    // 404 the card or the named profile.
    errors: [404],
  }),
  resetAdminKeyAttempts: defineRoute({
    method: 'POST',
    path: '/api/v1/cards/:id/admin-key/reset-attempts',
    summary:
      "Reset the server's admin-key attempt count once the card is known to have its attempts (admin; needs a reason; refused when the key is blocked)",
    tags,
    auth: 'bearer',
    params: IdParams,
    body: ResetAttemptsBody,
    responses: { 200: CardDetail },
    // 409 admin_key.blocked.
    errors: [404, 409],
  }),
  replaceAdminKey: defineRoute({
    method: 'PUT',
    path: '/api/v1/cards/:id/admin-key',
    summary:
      "Register the card's new admin key after it was re-keyed (admin; needs a reason): the count starts again",
    tags,
    auth: 'bearer',
    params: IdParams,
    body: ReplaceAdminKeyBody,
    responses: { 200: RegisterCardResponse },
    // 409 derive under a profile that does not derive; 422 a typed key that is not valid hex.
    errors: [404, 409, 422],
  }),
  exportCsv: defineRoute({
    method: 'GET',
    path: '/api/v1/cards/export.csv',
    summary:
      'The card inventory as CSV, in serial order, streamed (admin, auditor): serial, type, state, holder, profile, algorithm, KCV, attempts, registered; never a key',
    tags,
    auth: 'bearer',
    responses: { 200: z.string() },
    errors: [],
  }),
};
