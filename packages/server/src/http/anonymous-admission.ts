/**
 * Admission to the anonymous endpoints (online unlock, its PIN-policy look-up, staff and self-service
 * sign-in). Anyone can call them from anywhere, so a flood from many addresses passes every per-address
 * limit; each request still costs database work. At most `concurrency` anonymous requests work at once
 * and `queueLimit` wait; the next one is answered 429 with a Retry-After at once, before any database
 * work. So a flood can fill only its own lane: signed-in staff (the help desk) never wait in it, and the
 * database's connections are never all taken by anonymous callers. Admission comes after the body is
 * read and validated, so a slow sender does not hold a slot.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '@cardwarden/contract';
import { AppError } from '../errors.js';
import { WorkGate, type WorkGateOptions } from '../auth/work-gate.js';

/** Four requests at work (a few database connections of the ten in the pool), sixteen waiting. */
export const DEFAULT_ANONYMOUS_ADMISSION: WorkGateOptions = { concurrency: 4, queueLimit: 16 };

class LaneFull extends Error {
  constructor(readonly retryAfter: number) {
    super('the anonymous lane is full');
  }
}

export function createAnonymousLane(options: WorkGateOptions = DEFAULT_ANONYMOUS_ADMISSION): WorkGate {
  return new WorkGate(options, (seconds) => new LaneFull(seconds), 2);
}

/**
 * A `preHandler` that admits the request to `lane`, refused with `code` (a 429 code) when it is full;
 * the slot is given back when the answer has been sent or the client went away.
 */
export function admitAnonymous(lane: WorkGate | undefined, code: ErrorCode, advice?: string) {
  return async (_request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (!lane) return;
    let release;
    try {
      release = await lane.acquire('anonymous');
    } catch (error) {
      if (!(error instanceof LaneFull)) throw error;
      throw new AppError(
        code,
        `the server is busy with many requests like this one; wait ${error.retryAfter} second${error.retryAfter === 1 ? '' : 's'} and try again${advice ? `, or ${advice}` : ''}`,
        { retryAfter: error.retryAfter },
      );
    }
    // 'close' comes once the answer is sent, and also when the client goes away first.
    reply.raw.once('close', release);
    if (reply.raw.closed) release();
  };
}
