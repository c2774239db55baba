import { api } from '@cardwarden/contract';
import { fromContract } from '../http/contract-route.js';
import { requireOperator } from '../http/auth-guard.js';
import type { App } from '../http/types.js';
import { checkAdminKey } from '../services/admin-key-input.js';
import type { ServiceContext } from '../services/context.js';

export function registerAdminKeyRoutes(app: App, ctx: ServiceContext): void {
  app.route({
    ...fromContract(api.adminKeys.checkValue),
    preHandler: requireOperator(ctx, 'admin'),
    handler: (request) => checkAdminKey(request.body.algorithm, request.body.key),
  });
}
