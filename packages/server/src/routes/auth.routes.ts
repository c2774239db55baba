import { z } from 'zod';
import { ChangePasswordBody, LoginBody, LoginResponse, Me } from '@cardwarden/contract';
import { AppError } from '../errors.js';
import { operatorOf, requireAnyOperator, requireSignedIn } from '../http/auth-guard.js';
import { admitAnonymous, refuseWhenOverloaded } from '../http/anonymous-admission.js';
import { bearer, errorResponses } from '../http/responses.js';
import type { App } from '../http/types.js';
import { loginOperator, logout, whoAmI } from '../services/auth.service.js';
import type { ServiceContext } from '../services/context.js';
import { changeOwnPassword } from '../services/password.service.js';

export function registerAuthRoutes(app: App, ctx: ServiceContext): void {
  app.post(
    '/api/v1/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Operator sign-in: returns a bearer token',
        body: LoginBody,
        response: { 200: LoginResponse, ...errorResponses },
      },
      // Anonymous: refused on arrival while the lane is overloaded, then admitted to the anonymous lane
      // before any work (http/anonymous-admission.ts).
      onRequest: refuseWhenOverloaded(ctx.anonymousLane, 'auth.rate_limited'),
      preHandler: admitAnonymous(ctx.anonymousLane, 'auth.rate_limited'),
    },
    (request) => loginOperator(ctx, request.body, request.ip),
  );

  app.post(
    '/api/v1/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'Ends this sign-in',
        security: bearer,
        response: { 204: z.null(), ...errorResponses },
      },
      preHandler: requireSignedIn(ctx),
    },
    async (request, reply) => {
      if (request.tokenId) await logout(ctx, request.tokenId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/auth/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'The signed-in operator',
        security: bearer,
        response: { 200: Me, ...errorResponses },
      },
      preHandler: requireAnyOperator(ctx),
    },
    (request) => whoAmI(ctx, operatorOf(request)),
  );

  app.post(
    '/api/v1/auth/password',
    {
      schema: {
        tags: ['auth'],
        summary: "Change one's own password; ends one's other sessions",
        security: bearer,
        body: ChangePasswordBody,
        response: { 204: z.null(), ...errorResponses },
      },
      preHandler: requireAnyOperator(ctx),
    },
    async (request, reply) => {
      if (!request.tokenId) throw new AppError('auth.unauthenticated', 'sign in first');
      await changeOwnPassword(ctx, operatorOf(request), request.tokenId, request.body);
      return reply.code(204).send(null);
    },
  );
}
