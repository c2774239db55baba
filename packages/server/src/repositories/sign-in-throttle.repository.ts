import { eq, sql } from 'drizzle-orm';
import type { Database } from '../db/database.js';
import { signInThrottles } from '../db/schema.js';

/** Seconds until `key` may try to sign in again; 0 when it may now. */
export async function signInWait(db: Database, key: string): Promise<number> {
  const [row] = await db
    .select({
      seconds: sql<number>`greatest(0, ceil(extract(epoch from (${signInThrottles.blockedUntil} - now()))))::int`,
    })
    .from(signInThrottles)
    .where(eq(signInThrottles.key, key));
  return row?.seconds ?? 0;
}

/**
 * Counts one failed sign-in for `key`, atomically. After `free` failures each one makes the next try wait
 * twice as long (1 s, 2 s, 4 s…, at most `maxSeconds`); failures older than a day are forgotten.
 */
export async function recordSignInFailure(
  db: Database,
  key: string,
  free: number,
  maxSeconds: number,
): Promise<void> {
  const failures = sql`case when ${signInThrottles.lastFailureAt} < now() - interval '1 day' then 1 else ${signInThrottles.failures} + 1 end`;
  const delay = (count: unknown) =>
    sql`case when ${count} > ${free} then now() + make_interval(secs => least(${maxSeconds}, power(2, least(${count} - ${free} - 1, 30)))) else null end`;
  await db
    .insert(signInThrottles)
    .values({ key, failures: 1, blockedUntil: free >= 1 ? null : sql`now() + interval '1 second'` })
    .onConflictDoUpdate({
      target: signInThrottles.key,
      set: { failures, blockedUntil: delay(failures), lastFailureAt: sql`now()` },
    });
}

/**
 * Deletes throttles whose last failure is more than `olderThanHours` ago and whose delay has expired:
 * their failures are forgotten anyway (after a day). Returns how many were deleted.
 */
export async function deleteStaleSignInThrottles(db: Database, olderThanHours: number): Promise<number> {
  const deleted = await db
    .delete(signInThrottles)
    .where(
      sql`${signInThrottles.lastFailureAt} < now() - make_interval(hours => ${olderThanHours})
        and (${signInThrottles.blockedUntil} is null or ${signInThrottles.blockedUntil} < now())`,
    )
    .returning({ key: signInThrottles.key });
  return deleted.length;
}

export async function clearSignInThrottle(db: Database, key: string): Promise<void> {
  await db.delete(signInThrottles).where(eq(signInThrottles.key, key));
}
