import { eq, sql } from 'drizzle-orm';
import type { Database } from '../db/database.js';
import { onlineUnlocks } from '../db/schema.js';

export type OnlineUnlockRecord = typeof onlineUnlocks.$inferSelect;

export async function insertOnlineUnlock(
  db: Database,
  session: {
    cardId: string;
    userId: string;
    questionIds: string[];
    clientAddress: string;
    hostChallenge: string | null;
    expiresAt: Date;
  },
): Promise<OnlineUnlockRecord> {
  const [row] = await db.insert(onlineUnlocks).values(session).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

/** Reads a session without locking it (the early, cheap checks; what is spent is re-read under lock). */
export async function findOnlineUnlock(db: Database, id: string): Promise<OnlineUnlockRecord | undefined> {
  const [row] = await db.select().from(onlineUnlocks).where(eq(onlineUnlocks.id, id));
  return row;
}

export async function lockOnlineUnlock(db: Database, id: string): Promise<OnlineUnlockRecord | undefined> {
  const [row] = await db.select().from(onlineUnlocks).where(eq(onlineUnlocks.id, id)).for('update');
  return row;
}

export async function setOnlineUnlockState(
  db: Database,
  id: string,
  state: OnlineUnlockRecord['state'],
): Promise<void> {
  await db
    .update(onlineUnlocks)
    .set({ state, ...(state === 'unblocked' || state === 'failed' ? { closedAt: sql`now()` } : {}) })
    .where(eq(onlineUnlocks.id, id));
}

/** The card's R2 of a mutual authentication, once the server's cryptogram is computed. */
export async function recordCardChallenge(db: Database, id: string, cardChallenge: string): Promise<void> {
  await db.update(onlineUnlocks).set({ cardChallenge }).where(eq(onlineUnlocks.id, id));
}

/** The card proved the unblock. */
export async function recordConfirmed(db: Database, id: string): Promise<void> {
  await db
    .update(onlineUnlocks)
    .set({ state: 'unblocked', confirmedAt: sql`now()`, closedAt: sql`now()` })
    .where(eq(onlineUnlocks.id, id));
}
