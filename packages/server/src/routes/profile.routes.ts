import { CreateProfileBody, IdParams, Profile, ProfileList, UpdateProfileBody } from '@cardwarden/contract';
import { operatorOf, requireAnyOperator, requireOperator } from '../http/auth-guard.js';
import { bearer, errorResponses } from '../http/responses.js';
import type { App } from '../http/types.js';
import type { ServiceContext } from '../services/context.js';
import { createProfile, getProfile, listAllProfiles, updateProfile } from '../services/profile.service.js';

export function registerProfileRoutes(app: App, ctx: ServiceContext): void {
  const tags = ['profiles'];
  app.post(
    '/api/v1/profiles',
    {
      schema: {
        tags,
        summary: 'Create a card profile (admin); every use case is off unless switched on',
        security: bearer,
        body: CreateProfileBody,
        response: { 201: Profile, ...errorResponses },
      },
      preHandler: requireOperator(ctx, 'admin'),
    },
    async (request, reply) =>
      reply.code(201).send(await createProfile(ctx, operatorOf(request), request.body)),
  );
  app.get(
    '/api/v1/profiles',
    {
      schema: {
        tags,
        summary: 'List card profiles',
        security: bearer,
        response: { 200: ProfileList, ...errorResponses },
      },
      preHandler: requireAnyOperator(ctx),
    },
    async () => ({ items: await listAllProfiles(ctx) }),
  );
  app.get(
    '/api/v1/profiles/:id',
    {
      schema: {
        tags,
        summary: 'A card profile',
        security: bearer,
        params: IdParams,
        response: { 200: Profile, ...errorResponses },
      },
      preHandler: requireAnyOperator(ctx),
    },
    (request) => getProfile(ctx, request.params.id),
  );
  app.patch(
    '/api/v1/profiles/:id',
    {
      schema: {
        tags,
        summary: 'Change a card profile (admin)',
        security: bearer,
        params: IdParams,
        body: UpdateProfileBody,
        response: { 200: Profile, ...errorResponses },
      },
      preHandler: requireOperator(ctx, 'admin'),
    },
    (request) => updateProfile(ctx, operatorOf(request), request.params.id, request.body),
  );
}
