import { api } from '@cardwarden/contract';
import { fromContract } from '../http/contract-route.js';
import { operatorOf, requireAnyOperator, requireOperator } from '../http/auth-guard.js';
import type { App } from '../http/types.js';
import type { ServiceContext } from '../services/context.js';
import { createProfile, getProfile, listAllProfiles, updateProfile } from '../services/profile.service.js';
import { unitOfWork } from '../db/unit-of-work.js';

export function registerProfileRoutes(app: App, ctx: ServiceContext): void {
  app.route({
    ...fromContract(api.profiles.create),
    preHandler: requireOperator(ctx, 'admin'),
    handler: async (request, reply) =>
      reply.code(201).send(await createProfile(ctx, unitOfWork(ctx.db), operatorOf(request), request.body)),
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
    handler: (request) =>
      updateProfile(ctx, unitOfWork(ctx.db), operatorOf(request), request.params.id, request.body),
  });
}
