import { z } from 'zod';
import {
  ChangePasswordBody,
  IdParams,
  LoginBody,
  LoginResponse,
  OfflineUnblockSession,
  SelfServiceCardList,
  SelfServiceMe,
  SelfServiceOutcomeBody,
  SelfServiceUnblockBody,
  SelfServiceUnblockResponse,
} from '@cardwarden/contract';
import { AppError } from '../errors.js';
import { cardholderOf, requireCardholder } from '../http/auth-guard.js';
import { admitAnonymous, refuseWhenOverloaded } from '../http/anonymous-admission.js';
import { bearer, errorResponses } from '../http/responses.js';
import type { App } from '../http/types.js';
import { loginCardholder } from '../services/auth.service.js';
import type { ServiceContext } from '../services/context.js';
import { recordOutcome } from '../services/offline-unblock.service.js';
import { changeOwnPassword } from '../services/password.service.js';
import { getCardholder, listOwnCards, unblockOwnCard } from '../services/self-service.service.js';

export function registerSelfServiceRoutes(app: App, ctx: ServiceContext): void {
  const tags = ['self-service'];
  const cardholder = requireCardholder(ctx);
  app.post(
    '/api/v1/self-service/login',
    {
      schema: {
        tags,
        summary: 'Cardholder sign-in with the self-service password an admin set',
        body: LoginBody,
        response: { 200: LoginResponse, ...errorResponses },
      },
      // Anonymous: refused on arrival while the lane is overloaded, then admitted to the anonymous lane
      // before any work (http/anonymous-admission.ts).
      onRequest: refuseWhenOverloaded(ctx.anonymousLane, 'auth.rate_limited'),
      preHandler: admitAnonymous(ctx.anonymousLane, 'auth.rate_limited'),
    },
    (request) => loginCardholder(ctx, request.body, request.ip),
  );
  app.get(
    '/api/v1/self-service/me',
    {
      schema: {
        tags,
        summary: 'The signed-in cardholder',
        security: bearer,
        response: { 200: SelfServiceMe, ...errorResponses },
      },
      preHandler: cardholder,
    },
    (request) => getCardholder(ctx, cardholderOf(request)),
  );
  app.post(
    '/api/v1/self-service/password',
    {
      schema: {
        tags,
        summary: 'Change my self-service password; ends my other sessions',
        security: bearer,
        body: ChangePasswordBody,
        response: { 204: z.null(), ...errorResponses },
      },
      preHandler: cardholder,
    },
    async (request, reply) => {
      if (!request.tokenId) throw new AppError('auth.unauthenticated', 'sign in first');
      await changeOwnPassword(ctx, cardholderOf(request), request.tokenId, request.body);
      return reply.code(204).send(null);
    },
  );
  app.get(
    '/api/v1/self-service/cards',
    {
      schema: {
        tags,
        summary: "My cards, and whether each offers 'Unblock PIN offline'",
        security: bearer,
        response: { 200: SelfServiceCardList, ...errorResponses },
      },
      preHandler: cardholder,
    },
    async (request) => ({ items: await listOwnCards(ctx, cardholderOf(request)) }),
  );
  app.post(
    '/api/v1/self-service/cards/:id/offline-unblock',
    {
      schema: {
        tags,
        summary: 'Unblock PIN offline: the response to the challenge my card shows',
        security: bearer,
        params: IdParams,
        body: SelfServiceUnblockBody,
        response: { 200: SelfServiceUnblockResponse, ...errorResponses },
      },
      preHandler: cardholder,
    },
    (request) =>
      unblockOwnCard(
        ctx,
        cardholderOf(request),
        request.params.id,
        request.body.challenge,
        request.body.ssoStepUp,
      ),
  );
  app.post(
    '/api/v1/self-service/offline-unblocks/:id/outcome',
    {
      schema: {
        tags,
        summary: 'It worked / it failed',
        security: bearer,
        params: IdParams,
        body: SelfServiceOutcomeBody,
        response: { 200: OfflineUnblockSession, ...errorResponses },
      },
      preHandler: cardholder,
    },
    (request) => recordOutcome(ctx, cardholderOf(request), request.params.id, request.body.result, undefined),
  );
}
