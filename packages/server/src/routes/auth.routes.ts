import { api } from '@cardwarden/contract';
import { AppError } from '../errors.js';
import { fromContract } from '../http/contract-route.js';
import { operatorOf, requireAnyOperator, requireSignedIn } from '../http/auth-guard.js';
import { anonymousAdmission } from '../http/anonymous-admission.js';
import type { App } from '../http/types.js';
import { loginOperator, logout, whoAmI } from '../services/auth.service.js';
import type { ServiceContext } from '../services/context.js';
import { changeOwnPassword } from '../services/password.service.js';
import { unitOfWork } from '../db/unit-of-work.js';

export function registerAuthRoutes(app: App, ctx: ServiceContext): void {
  /** Opens each transaction of the use cases here that have phases outside one. */
  const uow = unitOfWork(ctx.db);
  app.route({
    ...fromContract(api.auth.login),
    // Anonymous: refused on arrival while the lane is overloaded, then admitted to the anonymous lane
    // before any work (http/anonymous-admission.ts).
    ...anonymousAdmission(ctx.anonymousLane, 'auth.rate_limited'),
    handler: (request) => loginOperator(ctx, request.body, request.ip),
  });

  app.route({
    ...fromContract(api.auth.logout),
    preHandler: requireSignedIn(ctx),
    handler: async (request, reply) => {
      if (request.tokenId) await logout(ctx, request.tokenId);
      return reply.code(204).send(null);
    },
  });

  app.route({
    ...fromContract(api.auth.me),
    preHandler: requireAnyOperator(ctx),
    handler: (request) => whoAmI(ctx, operatorOf(request)),
  });

  app.route({
    ...fromContract(api.auth.changePassword),
    preHandler: requireAnyOperator(ctx),
    handler: async (request, reply) => {
      if (!request.tokenId) throw new AppError('auth.unauthenticated', 'sign in first');
      await changeOwnPassword(ctx, uow, operatorOf(request), request.tokenId, request.body);
      return reply.code(204).send(null);
    },
  });
}
