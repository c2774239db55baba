import { CreateMasterBody, IdParams, MasterKey, MasterKeyList } from '@cardwarden/contract';
import { operatorOf, requireOperator } from '../http/auth-guard.js';
import { bearer, errorResponses } from '../http/responses.js';
import type { App } from '../http/types.js';
import type { ServiceContext } from '../services/context.js';
import { listProfileMasters, rotateProfileMaster } from '../services/master.service.js';

export function registerMasterRoutes(app: App, ctx: ServiceContext): void {
  const tags = ['profiles'];
  app.get(
    '/api/v1/profiles/:id/masters',
    {
      schema: {
        tags,
        summary:
          "A profile's master key versions (admin): which is current, where each lives, how many cards use it; never a key",
        security: bearer,
        params: IdParams,
        response: { 200: MasterKeyList, ...errorResponses },
      },
      preHandler: requireOperator(ctx, 'admin'),
    },
    async (request) => listProfileMasters(ctx, request.params.id),
  );
  app.post(
    '/api/v1/profiles/:id/masters',
    {
      schema: {
        tags,
        summary:
          'Rotate the master key (admin): a new version becomes current for new and re-keyed cards; cards under older versions keep working',
        security: bearer,
        params: IdParams,
        body: CreateMasterBody,
        response: { 201: MasterKey, ...errorResponses },
      },
      preHandler: requireOperator(ctx, 'admin'),
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await rotateProfileMaster(ctx, operatorOf(request), request.params.id, request.body)),
  );
}
