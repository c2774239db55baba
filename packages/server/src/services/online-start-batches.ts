/**
 * The statements of an online-unlock start that a flood repeats, gathered into batches (see
 * db/statement-batch.ts): each start's check (its address's hit, its card, its holder's answer count)
 * and the audit event of each refused start. Under a flood of starts for serials that do not exist, the
 * database then runs about one statement per statement's duration instead of two per start (and on
 * PostgreSQL the starts need no slot in the anonymous lane for their check: the online-unlock routes
 * give them a lane of their own, as wide as a batch). A refusal of an unknown serial and of a known but
 * unavailable card take the same two batches, so the time still does not tell which serials exist, and
 * every count and audit event is written before the answer.
 */
import { StatementBatch } from '../db/statement-batch.js';
import { busy } from '../errors.js';
import { appendAuditEvents, type NewAuditEvent } from '../repositories/audit.repository.js';
import {
  checkOnlineStarts,
  type OnlineStartCheck,
  type OnlineStartRequest,
} from '../repositories/online-unlock-start.repository.js';
import type { ServiceContext } from './context.js';

/**
 * Starts checked by one statement at most: its arrays stay small, and on the embedded database its
 * statement holds the event loop only briefly. Also the width of the starts' own lane on PostgreSQL.
 */
export const START_BATCH = 32;
/** Starts waiting for a batch at most: a few seconds of a flood (memory); beyond, refused as busy. */
const MAX_WAITING = 4_096;

interface Batches {
  readonly checks: StatementBatch<OnlineStartRequest, OnlineStartCheck>;
  readonly refusals: StatementBatch<NewAuditEvent, undefined>;
}

/** Per service context, so that servers sharing a process (tests) never share a batch. */
const batchesOf = new WeakMap<ServiceContext, Batches>();

const full = () => busy('online_unlock.rate_limited', 1, 'use offline unblock with the help desk');

function batches(ctx: ServiceContext): Batches {
  const known = batchesOf.get(ctx);
  if (known) return known;
  const windowSeconds = ctx.onlineUnlockLimits.windowMinutes * 60;
  const options = { maxBatch: START_BATCH, maxWaiting: MAX_WAITING, full };
  const found: Batches = {
    checks: new StatementBatch((requests) => checkOnlineStarts(ctx.db, windowSeconds, requests), options),
    refusals: new StatementBatch(async (events) => {
      await appendAuditEvents(ctx.db, events);
      return events.map(() => undefined);
    }, options),
  };
  batchesOf.set(ctx, found);
  return found;
}

/**
 * `request`'s start check, from the next batch.
 * @throws 429 `online_unlock.rate_limited` (busy) at once when too many starts wait already.
 */
export function checkOnlineStartBatched(
  ctx: ServiceContext,
  request: OnlineStartRequest,
): Promise<OnlineStartCheck> {
  return batches(ctx).checks.submit(request);
}

/** Writes a refused start's audit event with the next batch. @throws as {@link checkOnlineStartBatched}. */
export function auditRefusedStart(ctx: ServiceContext, event: NewAuditEvent): Promise<void> {
  return batches(ctx).refusals.submit(event);
}
