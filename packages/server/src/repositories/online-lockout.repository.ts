import { eq, sql } from 'drizzle-orm';
import type { Database } from '../db/database.js';
import { users } from '../db/schema.js';

/** A cardholder's online-unlock lockout, apart from the help desk's identity-check count. */
export interface OnlineLockoutState {
  readonly failedAttempts: number;
  readonly lockedUntil: Date | null;
  readonly lockCount: number;
  readonly questionIds: string[] | null;
  /** The database's clock, so that every instance judges expiry alike. */
  readonly now: Date;
}

const columns = {
  failedAttempts: users.onlineFailedAttempts,
  lockedUntil: users.onlineLockedUntil,
  lockCount: users.onlineLockCount,
  questionIds: users.onlineQuestionIds,
  now: sql<Date>`now()`.mapWith((value: string | Date) => new Date(value)),
};

/** Reads the state and locks the cardholder's row until the transaction ends. */
export async function lockOnlineLockout(
  db: Database,
  userId: string,
): Promise<OnlineLockoutState | undefined> {
  const [row] = await db.select(columns).from(users).where(eq(users.id, userId)).for('update');
  return row;
}

/** A lock that ran out: a fresh count and fresh questions, but the next lock lasts longer. */
export async function endExpiredOnlineLock(db: Database, userId: string): Promise<void> {
  await db
    .update(users)
    .set({ onlineFailedAttempts: 0, onlineLockedUntil: null, onlineQuestionIds: null })
    .where(eq(users.id, userId));
}

export async function storeOnlineQuestions(
  db: Database,
  userId: string,
  questionIds: string[],
): Promise<void> {
  await db.update(users).set({ onlineQuestionIds: questionIds }).where(eq(users.id, userId));
}

/**
 * Counts one wrong online answer; at `limit` locks online unlock for `baseMinutes` doubled per earlier lock,
 * at most `maxMinutes`. Returns the new count and the lock's end when this answer locked.
 */
export async function countWrongOnlineAnswer(
  db: Database,
  userId: string,
  limit: number,
  baseMinutes: number,
  maxMinutes: number,
): Promise<{ failedAttempts: number; lockedUntil: Date | null; lockCount: number }> {
  const reaches = sql`${users.onlineFailedAttempts} + 1 >= ${limit}`;
  const minutes = sql`least(${maxMinutes}, ${baseMinutes} * power(2, least(${users.onlineLockCount}, 20)))`;
  const [row] = await db
    .update(users)
    .set({
      onlineFailedAttempts: sql`${users.onlineFailedAttempts} + 1`,
      onlineLockedUntil: sql`case when ${reaches} then now() + make_interval(mins => ${minutes}::int) else ${users.onlineLockedUntil} end`,
      onlineLockCount: sql`case when ${reaches} then ${users.onlineLockCount} + 1 else ${users.onlineLockCount} end`,
    })
    .where(eq(users.id, userId))
    .returning({
      failedAttempts: users.onlineFailedAttempts,
      lockedUntil: users.onlineLockedUntil,
      lockCount: users.onlineLockCount,
    });
  return row ?? { failedAttempts: limit, lockedUntil: null, lockCount: 0 };
}

/** Right answers, or an admin clearing the lockout: everything starts again. */
export async function resetOnlineLockout(db: Database, userId: string): Promise<void> {
  await db
    .update(users)
    .set({ onlineFailedAttempts: 0, onlineLockedUntil: null, onlineLockCount: 0, onlineQuestionIds: null })
    .where(eq(users.id, userId));
}
