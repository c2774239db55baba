import { eq, sql } from 'drizzle-orm';
import type { Database } from '../db/database.js';
import { rateLimits } from '../db/schema.js';

/**
 * Counts one hit on `key` in a fixed window of `windowSeconds` and returns the count in the current
 * window, atomically (one statement), so every server instance sees the same count.
 */
export async function hitRateLimit(db: Database, key: string, windowSeconds: number): Promise<number> {
  return (await hitRateLimitWindow(db, key, windowSeconds)).count;
}

/**
 * {@link hitRateLimit}, also saying how many seconds are left of the current window (by the database's
 * clock), in the same single statement.
 */
export async function hitRateLimitWindow(
  db: Database,
  key: string,
  windowSeconds: number,
): Promise<{ count: number; secondsLeft: number }> {
  const window = sql`make_interval(secs => ${windowSeconds})`;
  const [row] = await db
    .insert(rateLimits)
    .values({ key, windowStart: sql`now()`, count: 1 })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        count: sql`case when ${rateLimits.windowStart} <= now() - ${window} then 1 else ${rateLimits.count} + 1 end`,
        windowStart: sql`case when ${rateLimits.windowStart} <= now() - ${window} then now() else ${rateLimits.windowStart} end`,
      },
    })
    .returning({
      count: rateLimits.count,
      secondsLeft: sql<number>`greatest(0, extract(epoch from (${rateLimits.windowStart} + ${window} - now())))::float8`,
    });
  return { count: row?.count ?? 1, secondsLeft: row?.secondsLeft ?? 0 };
}

export async function clearRateLimit(db: Database, key: string): Promise<void> {
  await db.delete(rateLimits).where(eq(rateLimits.key, key));
}
