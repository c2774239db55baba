import { api } from '@cardwarden/contract';
import { fromContract } from '../http/contract-route.js';
import { operatorOf, requireOperator } from '../http/auth-guard.js';
import type { App } from '../http/types.js';
import type { ServiceContext } from '../services/context.js';
import { listProfileMasters, rotateProfileMaster } from '../services/master.service.js';
import { inTransaction } from '../db/unit-of-work.js';

export function registerMasterRoutes(app: App, ctx: ServiceContext): void {
  app.route({
    ...fromContract(api.masters.list),
    preHandler: requireOperator(ctx, 'admin'),
    handler: async (request) => listProfileMasters(ctx, request.params.id),
  });
  app.route({
    ...fromContract(api.masters.create),
    preHandler: requireOperator(ctx, 'admin'),
    handler: async (request, reply) =>
      reply
        .code(201)
        .send(
          await inTransaction(ctx.db, (tx) =>
            rotateProfileMaster(ctx, tx, operatorOf(request), request.params.id, request.body),
          ),
        ),
  });
}
