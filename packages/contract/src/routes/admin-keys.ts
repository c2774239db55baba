/** Admin keys as typed: their key check value, before a card is registered with one. */
import { AdminKeyCheckBody, AdminKeyCheckResponse } from '../schemas/cards.js';
import { defineRoute } from './route.js';

export const adminKeys = {
  checkValue: defineRoute({
    method: 'POST',
    path: '/api/v1/admin-keys/check-value',
    summary:
      'The key check value (KCV) of a typed admin key, to compare with the card before registering it (admin); nothing is stored',
    tags: ['cards'],
    auth: 'bearer',
    body: AdminKeyCheckBody,
    responses: { 200: AdminKeyCheckResponse },
    // 422 card.invalid_admin_key: not hex, or not the algorithm's length.
    errors: [422],
  }),
};
