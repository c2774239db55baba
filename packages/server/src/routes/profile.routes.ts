import { api } from '@cardwarden/contract';
import { fromContract } from '../http/contract-route.js';
import { operatorOf, requireAnyOperator, requireOperator } from '../http/auth-guard.js';
import type { App } from '../http/types.js';
import type { ServiceContext } from '../services/context.js';
import { createProfile, getProfile, listAllProfiles, updateProfile } from '../services/profile.service.js';
import { unitOfWork } from '../db/unit-of-work.js';

export function registerProfileRoutes(app: App, ctx: ServiceContext): void {
  /** Opens each transaction of the use cases here that have phases outside one. */
  const uow = unitOfWork(ctx.db);
  app.route({
    ...fromContract(api.profiles.create),
    preHandler: requireOperator(ctx, 'admin'),
    handler: async (request, reply) =>
      reply.code(201).send(await createProfile(ctx, uow, operatorOf(request), request.body)),
  });
  app.route({
    ...fromContract(api.profiles.list),
    preHandler: requireAnyOperator(ctx),
    handler: async () => ({ items: await listAllProfiles(ctx) }),
  });
  app.route({
    ...fromContract(api.profiles.get),
    preHandler: requireAnyOperator(ctx),
    handler: (request) => getProfile(ctx, request.params.id),
  });
  app.route({
    ...fromContract(api.profiles.update),
    preHandler: requireOperator(ctx, 'admin'),
    handler: (request) => updateProfile(ctx, uow, operatorOf(request), request.params.id, request.body),
  });
}
