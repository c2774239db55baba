/**
 * The bound on argon2 verifications. Each takes about 10 ms of a core and 19 MiB of memory, and anyone
 * can ask for one (a sign-in, security answers): without a bound, a flood of wrong passwords fills the
 * thread pool and every core, and a legitimate request waits behind thousands. A full queue answers
 * 429 `auth.rate_limited` with a Retry-After at once (never a 5xx, never a wait that grows without end).
 */
import { availableParallelism } from 'node:os';
import { AppError } from '../errors.js';
import { WorkGate, type WorkGateOptions } from './work-gate.js';

export type { GatePriority } from './work-gate.js';

/**
 * One core in two for argon2 (at least one), so that the event loop (and the embedded database, which
 * runs on it) keeps a core under a flood of wrong passwords; a queue of eight tasks per slot (about
 * 80–160 ms of work), so that a waiting request is answered or refused quickly rather than after seconds.
 */
export function defaultArgon2GateOptions(cores = availableParallelism()): WorkGateOptions {
  const concurrency = Math.max(1, Math.floor(cores / 2));
  return { concurrency, queueLimit: 8 * concurrency };
}

export function argon2Busy(seconds: number): AppError {
  return new AppError(
    'auth.rate_limited',
    `the server is busy checking other passwords and answers; wait ${seconds} second${seconds === 1 ? '' : 's'} and try again`,
    { retryAfter: seconds },
  );
}

export function createArgon2Gate(options: WorkGateOptions = defaultArgon2GateOptions()): WorkGate {
  return new WorkGate(options, argon2Busy, 10);
}
