/** Password and secret-answer hashing: argon2id with OWASP's recommended parameters. */
import { hash, verify, type Options } from '@node-rs/argon2';
import { createArgon2Gate } from './argon2-gate.js';
import type { GatePriority, WorkGate, WorkGateOptions } from './work-gate.js';

// `algorithm: 2` is Argon2id; the package's enum is a const enum that isolated modules cannot import.
// eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- see above
const OPTIONS: Options = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

let gate = createArgon2Gate();

/** Sizes the verification gate (from the configuration, at start). Tasks already queued keep their place. */
export function configureArgon2Gate(options: WorkGateOptions): void {
  gate = createArgon2Gate(options);
}

/** The gate now in use (for tests and metrics). */
export function argon2Gate(): WorkGate {
  return gate;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

// Verified against when the account does not exist, so that a wrong username takes as long as a wrong
// password and the timing does not tell which accounts exist.
let decoy: Promise<string> | undefined;

async function verifyOne(passwordHash: string | null | undefined, password: string): Promise<boolean> {
  if (!passwordHash) {
    decoy ??= hashPassword('cardwarden decoy password');
    await verify(await decoy, password).catch(() => false);
    return false;
  }
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/**
 * Checks `password` against `passwordHash` (constant time inside argon2); a missing hash never matches.
 * @throws AppError `auth.rate_limited` (429) when an anonymous caller finds the verification queue full.
 */
export function verifyPassword(
  passwordHash: string | null | undefined,
  password: string,
  priority: GatePriority = 'anonymous',
): Promise<boolean> {
  return gate.run(() => verifyOne(passwordHash, password), priority);
}

/**
 * Checks every pair, all of them (no early exit, so the time does not tell which one was wrong), as one
 * task of the gate: a request is admitted or refused as a whole, never half-checked.
 * @throws AppError `auth.rate_limited` (429) when an anonymous caller finds the verification queue full.
 */
export function verifyAll(
  pairs: readonly { readonly hash: string | null | undefined; readonly secret: string }[],
  priority: GatePriority = 'anonymous',
): Promise<boolean[]> {
  return gate.run(async () => {
    const results: boolean[] = [];
    for (const pair of pairs) results.push(await verifyOne(pair.hash, pair.secret));
    return results;
  }, priority);
}
