/**
 * Admission to the anonymous endpoints (online unlock, its PIN-policy look-up, staff and self-service
 * sign-in). Anyone can call them from anywhere, so a flood from many addresses passes every per-address
 * limit; each request still costs database work. At most `concurrency` anonymous requests work at once;
 * the others wait while the wait stays short, and are answered 429 with a Retry-After at once, before
 * any database work, when it does not:
 *
 * - by the lane's queueing delay (controlled delay, see auth/work-gate.ts): a burst queues, a standing
 *   queue (more arrives than the slots serve) refuses newcomers until waits are short again, so when the
 *   server can serve everything nothing is refused, and under overload an admitted request waits about
 *   the target, not seconds;
 * - by the event loop's delay: when the process itself cannot keep up (on the embedded database every
 *   statement runs on the event loop too), anonymous requests are refused as they arrive, before their
 *   body is parsed, so that the help desk's requests, which never wait in the lane, are still served.
 *
 * So a flood can fill only its own lane: signed-in staff (the help desk) never wait in it, and the
 * database's connections are never all taken by anonymous callers. Admission to a slot comes after the
 * body is read and validated, so a slow sender does not hold one.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '@cardwarden/contract';
import { busy } from '../errors.js';
import { WorkGate, type Release, type WorkGateOptions } from '../auth/work-gate.js';

export interface AnonymousAdmissionOptions extends WorkGateOptions {
  /**
   * The event loop's delay (ms, smoothed) beyond which anonymous requests are refused on arrival while
   * the lane's slots are all taken; 0: never.
   */
  readonly eventLoopDelayLimitMs?: number | undefined;
}

/**
 * Four requests at work (a few database connections of the ten in the pool). Waiters: while the
 * queue's delay stays under 10 ms (bursts up to 100 ms), at most 512 (memory). Refused on arrival
 * while the event loop is 30 ms late and anonymous requests take every slot.
 */
export const DEFAULT_ANONYMOUS_ADMISSION = {
  concurrency: 4,
  queueLimit: 512,
  targetDelayMs: 10,
  intervalMs: 100,
  eventLoopDelayLimitMs: 30,
} as const satisfies AnonymousAdmissionOptions;

class LaneFull extends Error {
  constructor(readonly retryAfter: number) {
    super('the anonymous lane is full');
  }
}

/**
 * The event loop's recent delay, in ms: how late a timer due every 50 ms fires, smoothed. One per
 * process (all lanes share the event loop), started by the first lane that uses it; it does not keep
 * the process alive.
 */
const loop = { timer: undefined as NodeJS.Timeout | undefined, delayMs: 0 };
const LOOP_PERIOD_MS = 50;

function watchEventLoop(): void {
  if (loop.timer) return;
  let due = performance.now() + LOOP_PERIOD_MS;
  loop.timer = setInterval(() => {
    const now = performance.now();
    loop.delayMs = loop.delayMs * 0.5 + Math.max(0, now - due) * 0.5;
    due = now + LOOP_PERIOD_MS;
  }, LOOP_PERIOD_MS);
  loop.timer.unref();
}

/** The anonymous endpoints' lane: a work gate, and whether the process is too busy to take more. */
export class AnonymousLane extends WorkGate {
  private readonly eventLoopDelayLimitMs: number;

  constructor(options: AnonymousAdmissionOptions) {
    super(options, (seconds) => new LaneFull(seconds), 2);
    this.eventLoopDelayLimitMs = options.eventLoopDelayLimitMs ?? 0;
    if (this.eventLoopDelayLimitMs > 0) watchEventLoop();
  }

  /**
   * Whether a newcomer is refused before its body is even read: the lane's queue is standing, or the
   * process is late (its event loop delayed) while anonymous requests take every slot.
   */
  get overloaded(): boolean {
    if (this.shedding) return true;
    return this.late && this.load.running >= this.options.concurrency;
  }

  /** Whether the process itself is late: its event loop's delay is over the limit. */
  private get late(): boolean {
    return this.eventLoopDelayLimitMs > 0 && loop.delayMs >= this.eventLoopDelayLimitMs;
  }

  /**
   * A lane like this one with `concurrency` slots, for anonymous work that is cheaper per request than
   * the lane's own (online-unlock starts, whose checks share batched statements) but must still be
   * bounded and refused early when it queues.
   */
  withConcurrency(concurrency: number): AnonymousLane {
    return new AnonymousLane({
      ...this.options,
      eventLoopDelayLimitMs: this.eventLoopDelayLimitMs,
      concurrency,
    });
  }
}

/** A lane with `options`, the defaults for what they leave out. */
export function createAnonymousLane(options: Partial<AnonymousAdmissionOptions> = {}): AnonymousLane {
  return new AnonymousLane({ ...DEFAULT_ANONYMOUS_ADMISSION, ...options });
}

/**
 * An `onRequest` hook that refuses an anonymous request on arrival, before its body is read or any
 * work is done, while `lane` is overloaded (see {@link AnonymousLane.overloaded}).
 */
function refuseWhenOverloaded(lane: WorkGate | undefined, code: ErrorCode, advice?: string) {
  return (): Promise<void> => {
    if (!(lane instanceof AnonymousLane) || !lane.overloaded) return Promise.resolve();
    lane.refused.delay++;
    return Promise.reject(busy(code, 1, advice));
  };
}

/** Database failures that an overloaded server causes: a statement or a connection took too long. */
function isLoadFailure(error: unknown): boolean {
  for (let current = error, depth = 0; depth < 5 && current; depth++) {
    if (typeof current !== 'object') return false;
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (code === '57014') return true;
    if (typeof message === 'string' && message.includes('timeout exceeded when trying to connect'))
      return true;
    current = 'cause' in current ? current.cause : undefined;
  }
  return false;
}

/**
 * `work`, where a database failure caused by load (a statement timeout, no connection in time) is
 * answered 429 `code` with a Retry-After, as the lane's own refusals are: an anonymous flood is never
 * answered with a 5xx. Nothing was done (the statement was cancelled, or its transaction rolled back).
 */
export async function refusingUnderLoad<T>(work: Promise<T>, code: ErrorCode, advice?: string): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (isLoadFailure(error)) throw busy(code, 5, advice);
    throw error;
  }
}

/**
 * A request's slot in the lane. While it waits for work the lane does not bound (argon2, which has its
 * own gate), it can step out, giving the slot to the next request, and step in again after, ahead of
 * the anonymous waiters and never refused (it was admitted once; its verification is done).
 */
export class LaneSlot {
  private release: Release | undefined;
  private closed = false;

  constructor(
    private readonly lane: WorkGate,
    release: Release,
  ) {
    this.release = release;
  }

  /** Gives the slot back until {@link stepIn}. */
  stepOut(): void {
    this.release?.();
    this.release = undefined;
  }

  /** Takes a slot again (signed-in priority: ahead of anonymous waiters, never refused). */
  async stepIn(): Promise<void> {
    if (this.release || this.closed) return;
    this.take(await this.lane.acquire('signed-in'));
  }

  private take(release: Release): void {
    // The client may have gone away meanwhile.
    if (this.closed || this.release) release();
    else this.release = release;
  }

  /** The answer is sent or the client went away: the slot is given back for good. */
  close(): void {
    this.closed = true;
    this.stepOut();
  }
}

/** A slot of `lane` for an anonymous caller; a full or standing lane refuses with `code` (429 busy). */
async function acquireAnonymous(
  lane: WorkGate,
  code: ErrorCode,
  advice: string | undefined,
): Promise<Release> {
  try {
    return await lane.acquire('anonymous');
  } catch (error) {
    if (!(error instanceof LaneFull)) throw error;
    throw busy(code, error.retryAfter, advice);
  }
}

const slots = new WeakMap<FastifyRequest, LaneSlot>();

/** The lane slot `request` was admitted to (undefined when it was not admitted to a lane). */
export function laneSlotOf(request: FastifyRequest): LaneSlot | undefined {
  return slots.get(request);
}

/**
 * A `preHandler` that admits the request to `lane`, refused with `code` (a 429 code) when it is full;
 * the slot is given back when the answer has been sent or the client went away.
 */
export function admitAnonymous(lane: WorkGate | undefined, code: ErrorCode, advice?: string) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (!lane) return;
    const release = await acquireAnonymous(lane, code, advice);
    const slot = new LaneSlot(lane, release);
    slots.set(request, slot);
    // 'close' comes once the answer is sent, and also when the client goes away first.
    reply.raw.once('close', () => {
      slot.close();
    });
    if (reply.raw.closed) slot.close();
  };
}

/**
 * Runs work in `lane` with an anonymous caller's priority, for a request admitted to another lane for
 * its first step (an online-unlock start, whose check is batched: see services/online-start-batches.ts);
 * a full or standing lane refuses it with `code` (429, Retry-After), as {@link admitAnonymous} does.
 */
export function runInLane(lane: WorkGate | undefined, code: ErrorCode, advice?: string) {
  return async <T>(work: () => Promise<T>): Promise<T> => {
    if (!lane) return work();
    const release = await acquireAnonymous(lane, code, advice);
    try {
      return await work();
    } finally {
      release();
    }
  };
}

/** An `onRequest` hook that may refuse a request on arrival (a remembered rate-limit refusal). */
type ArrivalRefusal = (request: FastifyRequest) => Promise<void>;

/**
 * The two hooks an anonymous route takes together, to spread into its options: refused on arrival while
 * `lane` is overloaded (after `firstRefusal`, when given), then admitted to the lane before any work.
 * One without the other would either queue what an overloaded lane should refuse at once, or refuse
 * without ever admitting.
 */
export function anonymousAdmission(
  lane: WorkGate | undefined,
  code: ErrorCode,
  options: { readonly advice?: string; readonly firstRefusal?: ArrivalRefusal } = {},
) {
  const overloaded = refuseWhenOverloaded(lane, code, options.advice);
  return {
    onRequest: options.firstRefusal ? [options.firstRefusal, overloaded] : overloaded,
    preHandler: admitAnonymous(lane, code, options.advice),
  };
}
