/**
 * Fixed-window rate limits counted in the database (one atomic statement per hit, so every instance sees
 * the same count), with a memory of refusals: once the count of a window is over its limit it stays over
 * until the window ends, on every instance, so a key found over its limit is refused here without asking
 * the database again until then. A flood of requests that are refused anyway costs no database work,
 * and the limits stay exactly what the database says (this memory never refuses what the database would
 * admit: it forgets a refusal a moment before the window ends).
 */
import type { Database } from '../db/database.js';
import { hitRateLimitWindow } from '../repositories/rate-limit.repository.js';

/** Keys remembered at most (a few MB); beyond, refusals are asked of the database again. */
const MAX_REMEMBERED = 50_000;
/** Forgotten this long before the window's end, against clock drift and the statement's own latency. */
const MARGIN_MS = 1_000;

/** Per database, so that servers sharing a process (tests) never share refusals. */
const memories = new WeakMap<Database, Map<string, number>>();

function memoryOf(db: Database): Map<string, number> {
  let memory = memories.get(db);
  if (!memory) {
    memory = new Map();
    memories.set(db, memory);
  }
  return memory;
}

function remember(memory: Map<string, number>, key: string, until: number): void {
  if (memory.size >= MAX_REMEMBERED) {
    const now = Date.now();
    for (const [known, end] of memory) if (end <= now) memory.delete(known);
    if (memory.size >= MAX_REMEMBERED) return;
  }
  memory.set(key, until);
}

export type RateLimitCheck = { allowed: true } | { allowed: false; retryAfter: number };

/**
 * A refusal of `key` remembered from the database in this window (no database work), or null when the
 * database must be asked.
 */
export function rememberedRefusal(db: Database, key: string): { allowed: false; retryAfter: number } | null {
  const memory = memoryOf(db);
  const until = memory.get(key);
  if (until === undefined) return null;
  const now = Date.now();
  if (until > now) return { allowed: false, retryAfter: Math.max(1, Math.ceil((until - now) / 1000)) };
  memory.delete(key);
  return null;
}

/**
 * Judges a hit the database counted (`count` in the window, `secondsLeft` of it) against `limit`, and
 * remembers a refusal.
 */
export function judgeHit(
  db: Database,
  key: string,
  hit: { count: number; secondsLeft: number },
  limit: number,
): RateLimitCheck {
  if (hit.count <= limit) return { allowed: true };
  const leftMs = hit.secondsLeft * 1000;
  if (leftMs > MARGIN_MS) remember(memoryOf(db), key, Date.now() + leftMs - MARGIN_MS);
  return { allowed: false, retryAfter: Math.max(1, Math.ceil(hit.secondsLeft)) };
}

/**
 * Counts one hit on `key` unless it is known to be over `limit` in this window already.
 * @returns `allowed`, and when refused the whole seconds until the window ends (at least 1).
 */
export async function checkRateLimit(
  db: Database,
  key: string,
  windowSeconds: number,
  limit: number,
): Promise<RateLimitCheck> {
  const remembered = rememberedRefusal(db, key);
  if (remembered) return remembered;
  return judgeHit(db, key, await hitRateLimitWindow(db, key, windowSeconds), limit);
}
