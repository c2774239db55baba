import {
  AnswersBody,
  ApproveBody,
  IdentityVerified,
  ChallengeBody,
  IdParams,
  IssuedResponse,
  OfflineUnblockList,
  OfflineUnblockQuery,
  OfflineUnblockSession,
  OutcomeBody,
  StartOfflineUnblockBody,
} from '@cardwarden/contract';
import { operatorOf, requireOperator } from '../http/auth-guard.js';
import { bearer, errorResponses } from '../http/responses.js';
import type { App } from '../http/types.js';
import type { ServiceContext } from '../services/context.js';
import {
  approveOfflineUnblock,
  cancelOfflineUnblock,
  getOfflineUnblock,
  issueResponse,
  listOfflineUnblockSessions,
  recordOutcome,
  startOfflineUnblock,
  verifyIdentity,
} from '../services/offline-unblock.service.js';

export function registerOfflineUnblockRoutes(app: App, ctx: ServiceContext): void {
  const tags = ['offline unblock'];
  const helpDesk = requireOperator(ctx, 'operator', 'supervisor', 'admin');
  app.post(
    '/api/v1/cards/:id/offline-unblocks',
    {
      schema: {
        tags,
        summary: 'Generate Offline Unblock: start an unblock session for a card',
        security: bearer,
        params: IdParams,
        body: StartOfflineUnblockBody,
        response: { 201: OfflineUnblockSession, ...errorResponses },
      },
      preHandler: helpDesk,
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await startOfflineUnblock(ctx, operatorOf(request), request.params.id, request.body.ticket)),
  );
  app.get(
    '/api/v1/offline-unblocks',
    {
      schema: {
        tags,
        summary:
          'Unblock sessions, newest first; awaitingApproval=true lists those a supervisor must approve',
        security: bearer,
        querystring: OfflineUnblockQuery,
        response: { 200: OfflineUnblockList, ...errorResponses },
      },
      preHandler: requireOperator(ctx),
    },
    async (request) => ({ items: await listOfflineUnblockSessions(ctx, request.query) }),
  );
  app.get(
    '/api/v1/offline-unblocks/:id',
    {
      schema: {
        tags,
        summary: 'An unblock session',
        security: bearer,
        params: IdParams,
        response: { 200: OfflineUnblockSession, ...errorResponses },
      },
      preHandler: requireOperator(ctx),
    },
    (request) => getOfflineUnblock(ctx, operatorOf(request), request.params.id),
  );
  app.post(
    '/api/v1/offline-unblocks/:id/approve',
    {
      schema: {
        tags,
        summary: "Approve the session's last-attempt response (supervisor or admin, not who started it)",
        security: bearer,
        params: IdParams,
        body: ApproveBody,
        response: { 200: OfflineUnblockSession, ...errorResponses },
      },
      preHandler: requireOperator(ctx, 'supervisor', 'admin'),
    },
    (request) => approveOfflineUnblock(ctx, operatorOf(request), request.params.id, request.body.ticket),
  );
  app.post(
    '/api/v1/offline-unblocks/:id/response',
    {
      schema: {
        tags,
        summary: 'Generate Response: E_K(challenge) for the typed challenge; counts one admin-key attempt',
        security: bearer,
        params: IdParams,
        body: ChallengeBody,
        response: { 200: IssuedResponse, ...errorResponses },
      },
      preHandler: helpDesk,
    },
    (request) => issueResponse(ctx, operatorOf(request), request.params.id, request.body.challenge),
  );
  app.post(
    '/api/v1/offline-unblocks/:id/identity',
    {
      schema: {
        tags,
        summary:
          "Check the caller's security answers (when the card's profile requires it, before a response)",
        security: bearer,
        params: IdParams,
        body: AnswersBody,
        response: { 200: IdentityVerified, ...errorResponses },
      },
      preHandler: helpDesk,
    },
    (request) => verifyIdentity(ctx, operatorOf(request), request.params.id, request.body.answers),
  );
  app.post(
    '/api/v1/offline-unblocks/:id/outcome',
    {
      schema: {
        tags,
        summary: 'Record whether the card accepted the response; "unblocked" resets the attempt count',
        security: bearer,
        params: IdParams,
        body: OutcomeBody,
        response: { 200: OfflineUnblockSession, ...errorResponses },
      },
      preHandler: helpDesk,
    },
    (request) =>
      recordOutcome(ctx, operatorOf(request), request.params.id, request.body.result, request.body.ticket),
  );
  app.post(
    '/api/v1/offline-unblocks/:id/cancel',
    {
      schema: {
        tags,
        summary: 'Cancel an open unblock session',
        security: bearer,
        params: IdParams,
        response: { 200: OfflineUnblockSession, ...errorResponses },
      },
      preHandler: helpDesk,
    },
    (request) => cancelOfflineUnblock(ctx, operatorOf(request), request.params.id),
  );
}
