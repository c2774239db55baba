import { api } from '@cardwarden/contract';
import { fromContract } from '../http/contract-route.js';
import { operatorOf, requireOperator } from '../http/auth-guard.js';
import type { App } from '../http/types.js';
import type { ServiceContext } from '../services/context.js';
import { createOperator, listAllOperators, updateOperator } from '../services/operator.service.js';
import { resetOperatorPassword } from '../services/password.service.js';
import { unitOfWork } from '../db/unit-of-work.js';

export function registerOperatorRoutes(app: App, ctx: ServiceContext): void {
  /** Opens each transaction of the use cases here that have phases outside one. */
  const uow = unitOfWork(ctx.db);
  app.route({
    ...fromContract(api.operators.create),
    preHandler: requireOperator(ctx, 'admin'),
    handler: async (request, reply) =>
      reply.code(201).send(await createOperator(ctx, uow, operatorOf(request), request.body)),
  });
  app.route({
    ...fromContract(api.operators.list),
    preHandler: requireOperator(ctx, 'admin', 'auditor'),
    handler: async () => ({ items: await listAllOperators(ctx) }),
  });
  app.route({
    ...fromContract(api.operators.update),
    preHandler: requireOperator(ctx, 'admin'),
    handler: (request) => updateOperator(ctx, uow, operatorOf(request), request.params.id, request.body),
  });
  app.route({
    ...fromContract(api.operators.resetPassword),
    preHandler: requireOperator(ctx, 'admin'),
    handler: (request) => resetOperatorPassword(ctx, uow, operatorOf(request), request.params.id),
  });
}
