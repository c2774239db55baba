import {
  IdParams,
  IssuanceAuthenticateBody,
  IssuanceAuthenticateResponse,
  IssuanceProofBody,
  IssuanceStep,
  IssuanceStepResultBody,
  StartIssuanceBody,
} from '@cardwarden/contract';
import { operatorOf, requireOperator } from '../http/auth-guard.js';
import { bearer, errorResponses } from '../http/responses.js';
import type { App } from '../http/types.js';
import type { ServiceContext } from '../services/context.js';
import {
  answerIssuanceAuthentication,
  finishIssuance,
  recordIssuanceProof,
  recordKeyWritten,
  startIssuance,
} from '../services/issuance.service.js';

/** `cardwarden-unlock issue`: issuers and admins put cards under management (docs/issuance.md). */
export function registerIssuanceRoutes(app: App, ctx: ServiceContext): void {
  const tags = ['issuance'];
  const issuers = requireOperator(ctx, 'issuer', 'admin');
  app.post(
    '/api/v1/issuances',
    {
      schema: {
        tags,
        summary:
          'Issue or re-key a card: registers a new card to its user and profile; the first step (authenticate with the current or pending key)',
        security: bearer,
        body: StartIssuanceBody,
        response: { 201: IssuanceStep, ...errorResponses },
      },
      preHandler: issuers,
    },
    async (request, reply) =>
      reply.code(201).send(await startIssuance(ctx, operatorOf(request), request.body)),
  );
  app.post(
    '/api/v1/issuances/:id/authenticate',
    {
      schema: {
        tags,
        summary: "The card's R2 in, the server's mutual-authentication cryptogram out (once per R1)",
        security: bearer,
        params: IdParams,
        body: IssuanceAuthenticateBody,
        response: { 200: IssuanceAuthenticateResponse, ...errorResponses },
      },
      preHandler: issuers,
    },
    (request) => answerIssuanceAuthentication(ctx, operatorOf(request), request.params.id, request.body),
  );
  app.post(
    '/api/v1/issuances/:id/proof',
    {
      schema: {
        tags,
        summary:
          "The card's own cryptogram (it holds the key) or its refusal; the next step (write-key, finish, or authenticate with the other key)",
        security: bearer,
        params: IdParams,
        body: IssuanceProofBody,
        response: { 200: IssuanceStep, ...errorResponses },
      },
      preHandler: issuers,
    },
    (request) => recordIssuanceProof(ctx, operatorOf(request), request.params.id, request.body),
  );
  app.post(
    '/api/v1/issuances/:id/key-written',
    {
      schema: {
        tags,
        summary: "The card's status word for the key write; the next step (the card proves the new key)",
        security: bearer,
        params: IdParams,
        body: IssuanceStepResultBody,
        response: { 200: IssuanceStep, ...errorResponses },
      },
      preHandler: issuers,
    },
    (request) => recordKeyWritten(ctx, operatorOf(request), request.params.id, request.body),
  );
  app.post(
    '/api/v1/issuances/:id/finish',
    {
      schema: {
        tags,
        summary: "The card's status word for the PIN policy (and whether an initial PIN was set): done",
        security: bearer,
        params: IdParams,
        body: IssuanceStepResultBody,
        response: { 200: IssuanceStep, ...errorResponses },
      },
      preHandler: issuers,
    },
    (request) => finishIssuance(ctx, operatorOf(request), request.params.id, request.body),
  );
}
