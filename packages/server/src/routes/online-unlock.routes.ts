import { api } from '@cardwarden/contract';
import type { FastifyRequest } from 'fastify';
import {
  anonymousAdmission,
  laneSlotOf,
  refusingUnderLoad,
  AnonymousLane,
  runInLane,
} from '../http/anonymous-admission.js';
import { fromContract } from '../http/contract-route.js';
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
import { START_BATCH } from '../services/online-start-batches.js';
import { inTransaction, unitOfWork } from '../db/unit-of-work.js';
import { isEmbedded } from '../db/database.js';

const HELP_DESK_ADVICE = 'use offline unblock with the help desk';

/** For workstations: no bearer token, the cardholder's security answers are the proof. */
export function registerOnlineUnlockRoutes(app: App, ctx: ServiceContext): void {
  /** Opens each transaction of the use cases here that have phases outside one. */
  const uow = unitOfWork(ctx.db);
  // Every endpoint here is anonymous. On arrival, before the body is read: a refusal the rate limits
  // gave already in this window is repeated from memory, and an overloaded lane refuses. After the body
  // is validated, a flood waits in (or is refused by) its own lane, before any work.
  const refuseKnown = (request: FastifyRequest): Promise<void> => {
    const { id } = request.params as { id?: unknown };
    const refusal = knownRefusal(ctx, request.ip, typeof id === 'string' ? id : undefined);
    return refusal ? Promise.reject(refusal) : Promise.resolve();
  };
  const admission = anonymousAdmission(ctx.anonymousLane, 'online_unlock.rate_limited', {
    advice: HELP_DESK_ADVICE,
    firstRefusal: refuseKnown,
  });
  // A start's check and a refused start's audit share batched statements. On PostgreSQL, whose own
  // processes do that work, starts have a lane of their own as wide as a batch (refused early like the
  // anonymous lane when it queues), and a start waits in the anonymous lane only once its card is known
  // to offer online unlock, to open the session. On the embedded database every statement runs on the
  // event loop the help desk needs, so there starts stay in the anonymous lane's few slots (their checks
  // batched among them) and open the session in the slot they hold.
  const lane = ctx.anonymousLane;
  const ownLane = lane instanceof AnonymousLane && !isEmbedded(ctx.db);
  const startAdmission = anonymousAdmission(
    ownLane ? lane.withConcurrency(START_BATCH) : lane,
    'online_unlock.rate_limited',
    { advice: HELP_DESK_ADVICE, firstRefusal: refuseKnown },
  );
  // Undefined: the session is opened in the slot the start holds already (the service's default).
  const inLane = ownLane ? runInLane(lane, 'online_unlock.rate_limited', HELP_DESK_ADVICE) : undefined;
  // A statement that times out under the load is refused like the lane refuses (429), never a 5xx.
  const underLoad = <T>(work: Promise<T>) =>
    refusingUnderLoad(work, 'online_unlock.rate_limited', HELP_DESK_ADVICE);
  app.route({
    ...fromContract(api.onlineUnlock.pinPolicy),
    ...admission,
    handler: (request) => underLoad(pinPolicyForSerial(ctx, request.query.serial, request.ip)),
  });
  app.route({
    ...fromContract(api.onlineUnlock.start),
    ...startAdmission,
    handler: async (request, reply) =>
      reply
        .code(201)
        .send(
          await underLoad(
            startOnlineUnlock(ctx, uow, request.body.cardSerial, request.ip, request.body.ssoStepUp, inLane),
          ),
        ),
  });
  app.route({
    ...fromContract(api.onlineUnlock.response),
    ...admission,
    handler: (request) =>
      underLoad(respondOnline(ctx, uow, request.params.id, request.body, request.ip, laneSlotOf(request))),
  });
  app.route({
    ...fromContract(api.onlineUnlock.mutualAuth),
    ...admission,
    handler: (request) =>
      underLoad(mutualAuthOnline(ctx, uow, request.params.id, request.body, request.ip, laneSlotOf(request))),
  });
  app.route({
    ...fromContract(api.onlineUnlock.confirmMutualAuth),
    ...admission,
    handler: (request) =>
      underLoad(confirmOnlineUnblock(ctx, uow, request.params.id, request.body.cardCryptogram)),
  });
  app.route({
    ...fromContract(api.onlineUnlock.outcome),
    ...admission,
    handler: async (request) => {
      await underLoad(
        inTransaction(ctx.db, (tx) => recordOnlineOutcome(ctx, tx, request.params.id, request.body.result)),
      );
      return { result: request.body.result };
    },
  });
}
