import { api } from '@cardwarden/contract';
import { fromContract } from '../http/contract-route.js';
import { operatorOf, requireAnyOperator, requireOperator } from '../http/auth-guard.js';
import type { App } from '../http/types.js';
import {
  findCards,
  getCard,
  registerCard,
  replaceAdminKey,
  resetAdminKeyAttempts,
  updateCard,
} from '../services/card.service.js';
import type { ServiceContext } from '../services/context.js';
import { inTransaction, unitOfWork } from '../db/unit-of-work.js';

export function registerCardRoutes(app: App, ctx: ServiceContext): void {
  /** Opens each transaction of the use cases here that have phases outside one. */
  const uow = unitOfWork(ctx.db);
  app.route({
    ...fromContract(api.cards.create),
    preHandler: requireOperator(ctx, 'admin'),
    handler: async (request, reply) =>
      reply.code(201).send(await registerCard(ctx, uow, operatorOf(request), request.body)),
  });
  app.route({
    ...fromContract(api.cards.list),
    preHandler: requireAnyOperator(ctx),
    handler: (request) => findCards(ctx, request.query),
  });
  app.route({
    ...fromContract(api.cards.get),
    preHandler: requireAnyOperator(ctx),
    handler: (request) => getCard(ctx, request.params.id),
  });
  app.route({
    ...fromContract(api.cards.update),
    preHandler: requireOperator(ctx, 'admin'),
    handler: (request) =>
      inTransaction(ctx.db, (tx) =>
        updateCard(ctx, tx, operatorOf(request), request.params.id, request.body),
      ),
  });
  app.route({
    ...fromContract(api.cards.resetAdminKeyAttempts),
    preHandler: requireOperator(ctx, 'admin'),
    handler: (request) =>
      inTransaction(ctx.db, (tx) =>
        resetAdminKeyAttempts(ctx, tx, operatorOf(request), request.params.id, request.body),
      ),
  });
  app.route({
    ...fromContract(api.cards.replaceAdminKey),
    preHandler: requireOperator(ctx, 'admin'),
    handler: (request) => replaceAdminKey(ctx, uow, operatorOf(request), request.params.id, request.body),
  });
}
