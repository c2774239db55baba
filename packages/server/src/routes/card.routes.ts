import {
  CardDetail,
  CardList,
  CardSearchQuery,
  IdParams,
  RegisterCardBody,
  RegisterCardResponse,
  ReplaceAdminKeyBody,
  ResetAttemptsBody,
  UpdateCardBody,
} from '@cardwarden/contract';
import { operatorOf, requireAnyOperator, requireOperator } from '../http/auth-guard.js';
import { bearer, errorResponses } from '../http/responses.js';
import type { App } from '../http/types.js';
import {
  findCards,
  getCard,
  registerCard,
  replaceAdminKey,
  resetAdminKeyAttempts,
  updateCard,
} from '../services/card.service.js';
import type { ServiceContext } from '../services/context.js';

export function registerCardRoutes(app: App, ctx: ServiceContext): void {
  const tags = ['cards'];
  app.post(
    '/api/v1/cards',
    {
      schema: {
        tags,
        summary:
          'Register a card with its admin key, imported (hex) or generated (admin); answers the KCV, and a generated key once, in this answer only',
        security: bearer,
        body: RegisterCardBody,
        response: { 201: RegisterCardResponse, ...errorResponses },
      },
      preHandler: requireOperator(ctx, 'admin'),
    },
    async (request, reply) =>
      reply.code(201).send(await registerCard(ctx, operatorOf(request), request.body)),
  );
  app.get(
    '/api/v1/cards',
    {
      schema: {
        tags,
        summary: 'Card Search by serial (any part, any case)',
        security: bearer,
        querystring: CardSearchQuery,
        response: { 200: CardList, ...errorResponses },
      },
      preHandler: requireAnyOperator(ctx),
    },
    (request) => findCards(ctx, request.query),
  );
  app.get(
    '/api/v1/cards/:id',
    {
      schema: {
        tags,
        summary: 'A card with its holder',
        security: bearer,
        params: IdParams,
        response: { 200: CardDetail, ...errorResponses },
      },
      preHandler: requireAnyOperator(ctx),
    },
    (request) => getCard(ctx, request.params.id),
  );
  app.patch(
    '/api/v1/cards/:id',
    {
      schema: {
        tags,
        summary: "Change a card's state or profile (admin)",
        security: bearer,
        params: IdParams,
        body: UpdateCardBody,
        response: { 200: CardDetail, ...errorResponses },
      },
      preHandler: requireOperator(ctx, 'admin'),
    },
    (request) => updateCard(ctx, operatorOf(request), request.params.id, request.body),
  );
  app.post(
    '/api/v1/cards/:id/admin-key/reset-attempts',
    {
      schema: {
        tags,
        summary:
          "Reset the server's admin-key attempt count once the card is known to have its attempts (admin; needs a reason; refused when the key is blocked)",
        security: bearer,
        params: IdParams,
        body: ResetAttemptsBody,
        response: { 200: CardDetail, ...errorResponses },
      },
      preHandler: requireOperator(ctx, 'admin'),
    },
    (request) => resetAdminKeyAttempts(ctx, operatorOf(request), request.params.id, request.body),
  );
  app.put(
    '/api/v1/cards/:id/admin-key',
    {
      schema: {
        tags,
        summary:
          "Register the card's new admin key after it was re-keyed (admin; needs a reason): the count starts again",
        security: bearer,
        params: IdParams,
        body: ReplaceAdminKeyBody,
        response: { 200: RegisterCardResponse, ...errorResponses },
      },
      preHandler: requireOperator(ctx, 'admin'),
    },
    (request) => replaceAdminKey(ctx, operatorOf(request), request.params.id, request.body),
  );
}
