import { AdminKeyCheckBody, AdminKeyCheckResponse } from '@cardwarden/contract';
import { requireOperator } from '../http/auth-guard.js';
import { bearer, errorResponses } from '../http/responses.js';
import type { App } from '../http/types.js';
import { checkAdminKey } from '../services/admin-key-input.js';
import type { ServiceContext } from '../services/context.js';

export function registerAdminKeyRoutes(app: App, ctx: ServiceContext): void {
  app.post(
    '/api/v1/admin-keys/check-value',
    {
      schema: {
        tags: ['cards'],
        summary:
          'The key check value (KCV) of a typed admin key, to compare with the card before registering it (admin); nothing is stored',
        security: bearer,
        body: AdminKeyCheckBody,
        response: { 200: AdminKeyCheckResponse, ...errorResponses },
      },
      preHandler: requireOperator(ctx, 'admin'),
    },
    (request) => checkAdminKey(request.body.algorithm, request.body.key),
  );
}
