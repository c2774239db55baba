import { api } from '@cardwarden/contract';
import { fromContract } from '../http/contract-route.js';
import { operatorOf, requireOperator } from '../http/auth-guard.js';
import type { App } from '../http/types.js';
import type { ServiceContext } from '../services/context.js';
import {
  approveOfflineUnblock,
  cancelOfflineUnblock,
  getOfflineUnblock,
  issueResponse,
  listOfflineUnblockSessions,
  recordOutcome,
  startOfflineUnblock,
  verifyIdentity,
} from '../services/offline-unblock.service.js';
import { inTransaction, unitOfWork } from '../db/unit-of-work.js';

export function registerOfflineUnblockRoutes(app: App, ctx: ServiceContext): void {
  /** Opens each transaction of the use cases here that have phases outside one. */
  const uow = unitOfWork(ctx.db);
  const helpDesk = requireOperator(ctx, 'operator', 'supervisor', 'admin');
  app.route({
    ...fromContract(api.offlineUnblocks.start),
    preHandler: helpDesk,
    handler: async (request, reply) =>
      reply
        .code(201)
        .send(await startOfflineUnblock(ctx, operatorOf(request), request.params.id, request.body.ticket)),
  });
  app.route({
    ...fromContract(api.offlineUnblocks.list),
    preHandler: requireOperator(ctx),
    handler: async (request) => ({ items: await listOfflineUnblockSessions(ctx, request.query) }),
  });
  app.route({
    ...fromContract(api.offlineUnblocks.get),
    preHandler: requireOperator(ctx),
    handler: (request) => getOfflineUnblock(ctx, operatorOf(request), request.params.id),
  });
  app.route({
    ...fromContract(api.offlineUnblocks.approve),
    preHandler: requireOperator(ctx, 'supervisor', 'admin'),
    handler: (request) =>
      inTransaction(ctx.db, (tx) =>
        approveOfflineUnblock(ctx, tx, operatorOf(request), request.params.id, request.body.ticket),
      ),
  });
  app.route({
    ...fromContract(api.offlineUnblocks.response),
    preHandler: helpDesk,
    handler: (request) =>
      issueResponse(ctx, uow, operatorOf(request), request.params.id, request.body.challenge),
  });
  app.route({
    ...fromContract(api.offlineUnblocks.identity),
    preHandler: helpDesk,
    handler: (request) =>
      verifyIdentity(ctx, uow, operatorOf(request), request.params.id, request.body.answers),
  });
  app.route({
    ...fromContract(api.offlineUnblocks.outcome),
    preHandler: helpDesk,
    handler: (request) =>
      recordOutcome(
        ctx,
        uow,
        operatorOf(request),
        request.params.id,
        request.body.result,
        request.body.ticket,
      ),
  });
  app.route({
    ...fromContract(api.offlineUnblocks.cancel),
    preHandler: helpDesk,
    handler: (request) =>
      inTransaction(ctx.db, (tx) => cancelOfflineUnblock(ctx, tx, operatorOf(request), request.params.id)),
  });
}
