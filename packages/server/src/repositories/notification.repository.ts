import { and, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Database } from '../db/database.js';
import { notifications } from '../db/schema.js';

export type NotificationRecord = typeof notifications.$inferSelect;

export async function enqueueNotification(
  db: Database,
  message: { recipient: string; subject: string; body: string },
): Promise<void> {
  await db.insert(notifications).values(message);
}

/**
 * Claims up to `limit` due messages for sending, by pushing their next attempt into the future, so that
 * no other instance sends them meanwhile (SKIP LOCKED: instances never wait on each other).
 */
export async function claimDueNotifications(
  db: Database,
  limit: number,
  leaseSeconds: number,
): Promise<NotificationRecord[]> {
  return db.transaction(async (tx) => {
    const due = await tx
      .select({ id: notifications.id })
      .from(notifications)
      .where(and(eq(notifications.status, 'pending'), lte(notifications.nextAttemptAt, sql`now()`)))
      .orderBy(notifications.createdAt)
      .limit(limit)
      .for('update', { skipLocked: true });
    if (due.length === 0) return [];
    return tx
      .update(notifications)
      .set({
        attempts: sql`${notifications.attempts} + 1`,
        nextAttemptAt: sql`now() + make_interval(secs => ${leaseSeconds})`,
      })
      .where(
        inArray(
          notifications.id,
          due.map((row) => row.id),
        ),
      )
      .returning();
  });
}

export async function markSent(db: Database, id: string): Promise<void> {
  await db
    .update(notifications)
    .set({ status: 'sent', sentAt: sql`now()`, lastError: null })
    .where(eq(notifications.id, id));
}

/** A failed try: retry later with back-off, or give up after `maxAttempts`. */
export async function markFailed(
  db: Database,
  id: string,
  error: string,
  retryInSeconds: number,
  giveUp: boolean,
): Promise<void> {
  await db
    .update(notifications)
    .set({
      lastError: error.slice(0, 500),
      status: giveUp ? 'failed' : 'pending',
      nextAttemptAt: sql`now() + make_interval(secs => ${retryInSeconds})`,
    })
    .where(eq(notifications.id, id));
}

/** How many messages wait to be sent (pending, including those waiting for a retry). */
export async function countPendingNotifications(db: Database): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(notifications)
    .where(eq(notifications.status, 'pending'));
  return row?.count ?? 0;
}
