import { api } from '@cardwarden/contract';
import { AppError } from '../errors.js';
import { cardholderOf, requireCardholder } from '../http/auth-guard.js';
import { anonymousAdmission } from '../http/anonymous-admission.js';
import { fromContract } from '../http/contract-route.js';
import type { App } from '../http/types.js';
import { loginCardholder } from '../services/auth.service.js';
import type { ServiceContext } from '../services/context.js';
import { recordOutcome } from '../services/offline-unblock.service.js';
import { changeOwnPassword } from '../services/password.service.js';
import { getCardholder, listOwnCards, unblockOwnCard } from '../services/self-service.service.js';
import { unitOfWork } from '../db/unit-of-work.js';

export function registerSelfServiceRoutes(app: App, ctx: ServiceContext): void {
  /** Opens each transaction of the use cases here that have phases outside one. */
  const uow = unitOfWork(ctx.db);
  const cardholder = requireCardholder(ctx);
  app.route({
    ...fromContract(api.selfService.login),
    // Anonymous: refused on arrival while the lane is overloaded, then admitted to the anonymous lane
    // before any work (http/anonymous-admission.ts).
    ...anonymousAdmission(ctx.anonymousLane, 'auth.rate_limited'),
    handler: (request) => loginCardholder(ctx, request.body, request.ip),
  });
  app.route({
    ...fromContract(api.selfService.me),
    preHandler: cardholder,
    handler: (request) => getCardholder(ctx, cardholderOf(request)),
  });
  app.route({
    ...fromContract(api.selfService.changePassword),
    preHandler: cardholder,
    handler: async (request, reply) => {
      if (!request.tokenId) throw new AppError('auth.unauthenticated', 'sign in first');
      await changeOwnPassword(ctx, uow, cardholderOf(request), request.tokenId, request.body);
      return reply.code(204).send(null);
    },
  });
  app.route({
    ...fromContract(api.selfService.cards),
    preHandler: cardholder,
    handler: async (request) => ({ items: await listOwnCards(ctx, cardholderOf(request)) }),
  });
  app.route({
    ...fromContract(api.selfService.offlineUnblock),
    preHandler: cardholder,
    handler: (request) =>
      unblockOwnCard(
        ctx,
        uow,
        cardholderOf(request),
        request.params.id,
        request.body.challenge,
        request.body.ssoStepUp,
      ),
  });
  app.route({
    ...fromContract(api.selfService.outcome),
    preHandler: cardholder,
    handler: (request) =>
      recordOutcome(ctx, uow, cardholderOf(request), request.params.id, request.body.result, undefined),
  });
}
