import { api } from '@cardwarden/contract';
import { fromContract } from '../http/contract-route.js';
import { operatorOf, requireAnyOperator, requireOperator } from '../http/auth-guard.js';
import type { App } from '../http/types.js';
import type { ServiceContext } from '../services/context.js';
import {
  createUser,
  findUsers,
  getUserDetail,
  setUserPassword,
  updateUser,
} from '../services/user.service.js';
import { inTransaction, unitOfWork } from '../db/unit-of-work.js';

export function registerUserRoutes(app: App, ctx: ServiceContext): void {
  /** Opens each transaction of the use cases here that have phases outside one. */
  const uow = unitOfWork(ctx.db);
  const everyone = requireAnyOperator(ctx);
  app.route({
    ...fromContract(api.users.create),
    preHandler: requireOperator(ctx, 'admin'),
    handler: async (request, reply) =>
      reply.code(201).send(await createUser(ctx, uow, operatorOf(request), request.body)),
  });
  app.route({
    ...fromContract(api.users.list),
    preHandler: everyone,
    handler: (request) => findUsers(ctx, request.query),
  });
  app.route({
    ...fromContract(api.users.get),
    preHandler: everyone,
    handler: (request) => getUserDetail(ctx, request.params.id),
  });
  app.route({
    ...fromContract(api.users.update),
    preHandler: requireOperator(ctx, 'admin'),
    handler: (request) =>
      inTransaction(ctx.db, (tx) =>
        updateUser(ctx, tx, operatorOf(request), request.params.id, request.body),
      ),
  });
  app.route({
    ...fromContract(api.users.setPassword),
    preHandler: requireOperator(ctx, 'admin'),
    handler: async (request, reply) => {
      await setUserPassword(ctx, uow, operatorOf(request), request.params.id, request.body.password);
      return reply.code(204).send(null);
    },
  });
  app.route({
    ...fromContract(api.users.removePassword),
    preHandler: requireOperator(ctx, 'admin'),
    handler: async (request, reply) => {
      await setUserPassword(ctx, uow, operatorOf(request), request.params.id, null);
      return reply.code(204).send(null);
    },
  });
}
