import { api } from '@cardwarden/contract';
import { fromContract } from '../http/contract-route.js';
import { operatorOf, requireOperator } from '../http/auth-guard.js';
import type { App } from '../http/types.js';
import type { ServiceContext } from '../services/context.js';
import {
  answerIssuanceAuthentication,
  finishIssuance,
  recordIssuanceProof,
  recordKeyWritten,
  startIssuance,
} from '../services/issuance.service.js';
import { inTransaction, unitOfWork } from '../db/unit-of-work.js';

/** `cardwarden-unlock issue`: issuers and admins put cards under management (docs/issuance.md). */
export function registerIssuanceRoutes(app: App, ctx: ServiceContext): void {
  /** Opens each transaction of the use cases here that have phases outside one. */
  const uow = unitOfWork(ctx.db);
  const issuers = requireOperator(ctx, 'issuer', 'admin');
  app.route({
    ...fromContract(api.issuances.start),
    preHandler: issuers,
    handler: async (request, reply) =>
      reply.code(201).send(await startIssuance(ctx, uow, operatorOf(request), request.body)),
  });
  app.route({
    ...fromContract(api.issuances.authenticate),
    preHandler: issuers,
    handler: (request) =>
      inTransaction(ctx.db, (tx) =>
        answerIssuanceAuthentication(ctx, tx, operatorOf(request), request.params.id, request.body),
      ),
  });
  app.route({
    ...fromContract(api.issuances.proof),
    preHandler: issuers,
    handler: (request) => recordIssuanceProof(ctx, uow, operatorOf(request), request.params.id, request.body),
  });
  app.route({
    ...fromContract(api.issuances.keyWritten),
    preHandler: issuers,
    handler: (request) => recordKeyWritten(ctx, uow, operatorOf(request), request.params.id, request.body),
  });
  app.route({
    ...fromContract(api.issuances.finish),
    preHandler: issuers,
    handler: (request) => finishIssuance(ctx, uow, operatorOf(request), request.params.id, request.body),
  });
}
