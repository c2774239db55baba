import { eq, sql } from 'drizzle-orm';
import type { Database } from '../db/database.js';
import { users } from '../db/schema.js';

export interface LockoutState {
  readonly failedAttempts: number;
  readonly lockedAt: Date | null;
}

/** Reads a cardholder's wrong-answer count and locks their row until the transaction ends. */
export async function lockLockoutState(db: Database, userId: string): Promise<LockoutState | undefined> {
  const [row] = await db
    .select({ failedAttempts: users.securityFailedAttempts, lockedAt: users.securityLockedAt })
    .from(users)
    .where(eq(users.id, userId))
    .for('update');
  return row;
}

export async function getLockoutState(db: Database, userId: string): Promise<LockoutState | undefined> {
  const [row] = await db
    .select({ failedAttempts: users.securityFailedAttempts, lockedAt: users.securityLockedAt })
    .from(users)
    .where(eq(users.id, userId));
  return row;
}

/** Counts one wrong answer; locks the cardholder out when the count reaches `limit`. Returns the new count. */
export async function countWrongAnswer(db: Database, userId: string, limit: number): Promise<number> {
  const [row] = await db
    .update(users)
    .set({
      securityFailedAttempts: sql`${users.securityFailedAttempts} + 1`,
      securityLockedAt: sql`case when ${users.securityFailedAttempts} + 1 >= ${limit} then coalesce(${users.securityLockedAt}, now()) else ${users.securityLockedAt} end`,
    })
    .where(eq(users.id, userId))
    .returning({ failedAttempts: users.securityFailedAttempts });
  return row?.failedAttempts ?? limit;
}

/** Right answers, or an admin clearing the lockout: the count starts again. */
export async function resetLockout(db: Database, userId: string): Promise<void> {
  await db
    .update(users)
    .set({ securityFailedAttempts: 0, securityLockedAt: null })
    .where(eq(users.id, userId));
}

/** Locks a cardholder out now (the count reached a profile's limit before this check). */
export async function markLocked(db: Database, userId: string): Promise<void> {
  await db
    .update(users)
    .set({ securityLockedAt: sql`coalesce(${users.securityLockedAt}, now())` })
    .where(eq(users.id, userId));
}
