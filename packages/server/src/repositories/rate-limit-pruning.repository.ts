import { lt, sql } from 'drizzle-orm';
import type { Database } from '../db/database.js';
import { rateLimits } from '../db/schema.js';

/**
 * Deletes rate-limit counters whose window started more than `olderThanHours` ago: every window in use
 * is shorter, so they count nothing any more. Returns how many were deleted.
 */
export async function deleteStaleRateLimits(db: Database, olderThanHours: number): Promise<number> {
  const deleted = await db
    .delete(rateLimits)
    .where(lt(rateLimits.windowStart, sql`now() - make_interval(hours => ${olderThanHours})`))
    .returning({ key: rateLimits.key });
  return deleted.length;
}
