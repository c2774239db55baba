import { z } from 'zod';
import {
  IdParams,
  OnlineUnlockConfirmation,
  OnlineUnlockConfirmBody,
  OnlineUnlockMutualAuthBody,
  OnlineUnlockMutualAuthResponse,
  OnlineUnlockOutcomeBody,
  OnlineUnlockResponse,
  OnlineUnlockResponseBody,
  OnlineUnlockSession,
  PinPolicy,
  PinPolicyQuery,
  StartOnlineUnlockBody,
} from '@cardwarden/contract';
import type { FastifyRequest } from 'fastify';
import {
  admitAnonymous,
  laneSlotOf,
  refuseWhenOverloaded,
  refusingUnderLoad,
} from '../http/anonymous-admission.js';
import { errorResponses } from '../http/responses.js';
import type { App } from '../http/types.js';
import type { ServiceContext } from '../services/context.js';
import {
  confirmOnlineUnblock,
  mutualAuthOnline,
  recordOnlineOutcome,
  knownRefusal,
  respondOnline,
  startOnlineUnlock,
} from '../services/online-unlock.service.js';
import { pinPolicyForSerial } from '../services/pin-policy.service.js';

const HELP_DESK_ADVICE = 'use offline unblock with the help desk';

/** For workstations: no bearer token, the cardholder's security answers are the proof. */
export function registerOnlineUnlockRoutes(app: App, ctx: ServiceContext): void {
  const tags = ['online unlock'];
  // Every endpoint here is anonymous. On arrival, before the body is read: a refusal the rate limits
  // gave already in this window is repeated from memory, and an overloaded lane refuses. After the body
  // is validated, a flood waits in (or is refused by) its own lane, before any work.
  const onRequest = [
    (request: FastifyRequest): Promise<void> => {
      const { id } = request.params as { id?: unknown };
      const refusal = knownRefusal(ctx, request.ip, typeof id === 'string' ? id : undefined);
      return refusal ? Promise.reject(refusal) : Promise.resolve();
    },
    refuseWhenOverloaded(ctx.anonymousLane, 'online_unlock.rate_limited', HELP_DESK_ADVICE),
  ];
  const preHandler = admitAnonymous(ctx.anonymousLane, 'online_unlock.rate_limited', HELP_DESK_ADVICE);
  // A statement that times out under the load is refused like the lane refuses (429), never a 5xx.
  const underLoad = <T>(work: Promise<T>) =>
    refusingUnderLoad(work, 'online_unlock.rate_limited', HELP_DESK_ADVICE);
  app.get(
    '/api/v1/online-unlock/pin-policy',
    {
      schema: {
        tags,
        summary:
          "The PIN rules of a card's profile, for the unlock tool (an unknown serial gets the default rules)",
        querystring: PinPolicyQuery,
        response: { 200: PinPolicy, ...errorResponses },
      },
      onRequest,
      preHandler,
    },
    (request) => underLoad(pinPolicyForSerial(ctx, request.query.serial, request.ip)),
  );
  app.post(
    '/api/v1/online-unlock/sessions',
    {
      schema: {
        tags,
        summary: "Start an online unlock for the card in the workstation's reader: the questions to ask",
        body: StartOnlineUnlockBody,
        response: { 201: OnlineUnlockSession, ...errorResponses },
      },
      onRequest,
      preHandler,
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await underLoad(
            startOnlineUnlock(ctx, request.body.cardSerial, request.ip, request.body.ssoStepUp),
          ),
        ),
  );
  app.post(
    '/api/v1/online-unlock/sessions/:id/response',
    {
      schema: {
        tags,
        summary: 'Answers and the challenge in, the response out (one per session)',
        params: IdParams,
        body: OnlineUnlockResponseBody,
        response: { 200: OnlineUnlockResponse, ...errorResponses },
      },
      onRequest,
      preHandler,
    },
    (request) =>
      underLoad(respondOnline(ctx, request.params.id, request.body, request.ip, laneSlotOf(request))),
  );
  app.post(
    '/api/v1/online-unlock/sessions/:id/mutual-auth',
    {
      schema: {
        tags,
        summary:
          "GIDS cards: answers and the card's R2 in, the server's mutual-authentication cryptogram out (one per session)",
        params: IdParams,
        body: OnlineUnlockMutualAuthBody,
        response: { 200: OnlineUnlockMutualAuthResponse, ...errorResponses },
      },
      onRequest,
      preHandler,
    },
    (request) =>
      underLoad(mutualAuthOnline(ctx, request.params.id, request.body, request.ip, laneSlotOf(request))),
  );
  app.post(
    '/api/v1/online-unlock/sessions/:id/mutual-auth/confirm',
    {
      schema: {
        tags,
        summary: "The card's own cryptogram, which proves the unblock and resets the card's attempt count",
        params: IdParams,
        body: OnlineUnlockConfirmBody,
        response: { 200: OnlineUnlockConfirmation, ...errorResponses },
      },
      onRequest,
      preHandler,
    },
    (request) => underLoad(confirmOnlineUnblock(ctx, request.params.id, request.body.cardCryptogram)),
  );
  app.post(
    '/api/v1/online-unlock/sessions/:id/outcome',
    {
      schema: {
        tags,
        summary: 'Whether the card took the response',
        params: IdParams,
        body: OnlineUnlockOutcomeBody,
        response: { 200: z.object({ result: z.enum(['unblocked', 'failed']) }), ...errorResponses },
      },
      onRequest,
      preHandler,
    },
    async (request) => {
      await underLoad(recordOnlineOutcome(ctx, request.params.id, request.body.result));
      return { result: request.body.result };
    },
  );
}
