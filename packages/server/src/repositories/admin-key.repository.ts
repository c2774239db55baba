import { count, eq, sql } from 'drizzle-orm';
import type { AdminKeyAlgorithm } from '@cardwarden/protocol';
import type { Database } from '../db/database.js';
import { adminKeys } from '../db/schema.js';

export async function countAdminKeys(db: Database): Promise<number> {
  const [row] = await db.select({ n: count() }).from(adminKeys);
  return row?.n ?? 0;
}

export async function insertAdminKey(
  db: Database,
  key: { cardId: string; algorithm: AdminKeyAlgorithm; sealed: string; kcv: string },
): Promise<void> {
  await db.insert(adminKeys).values(key);
}

/** A new key for the card: the count starts again and a blocked state belongs to the old key. */
export async function replaceAdminKey(
  db: Database,
  cardId: string,
  key: { algorithm: AdminKeyAlgorithm; sealed: string; kcv: string },
): Promise<void> {
  await db
    .update(adminKeys)
    .set({ ...key, attemptsUsed: 0, blockedAt: null, createdAt: sql`now()`, updatedAt: sql`now()` })
    .where(eq(adminKeys.cardId, cardId));
}

export interface LockedAdminKey {
  readonly algorithm: AdminKeyAlgorithm;
  readonly sealed: string;
  readonly attemptsUsed: number;
}

/**
 * Reads a card's admin key and locks its row until the transaction ends, so that counting attempts is
 * serialised across every server instance. Call inside a transaction.
 */
export async function lockAdminKey(db: Database, cardId: string): Promise<LockedAdminKey | undefined> {
  const [row] = await db
    .select({
      algorithm: adminKeys.algorithm,
      sealed: adminKeys.sealed,
      attemptsUsed: adminKeys.attemptsUsed,
    })
    .from(adminKeys)
    .where(eq(adminKeys.cardId, cardId))
    .for('update');
  return row;
}

/** Counts one more response issued; only below `limit`. Returns the new count, or undefined at the limit. */
export async function countAttempt(db: Database, cardId: string, limit: number): Promise<number | undefined> {
  const [row] = await db
    .update(adminKeys)
    .set({ attemptsUsed: sql`${adminKeys.attemptsUsed} + 1`, updatedAt: sql`now()` })
    .where(sql`${adminKeys.cardId} = ${cardId} and ${adminKeys.attemptsUsed} < ${limit}`)
    .returning({ attemptsUsed: adminKeys.attemptsUsed });
  return row?.attemptsUsed;
}

/** A confirmed unblock: the card reset its admin-key retry counter, so does the server. */
export async function resetAttempts(db: Database, cardId: string): Promise<void> {
  await db
    .update(adminKeys)
    .set({ attemptsUsed: 0, updatedAt: sql`now()` })
    .where(eq(adminKeys.cardId, cardId));
}

/**
 * The card reported that its last admin-key attempt failed: the key is blocked on the card. Recorded
 * once; only a new admin key clears it.
 */
export async function markAdminKeyBlocked(db: Database, cardId: string): Promise<void> {
  await db
    .update(adminKeys)
    .set({ blockedAt: sql`now()` })
    .where(sql`${adminKeys.cardId} = ${cardId} and ${adminKeys.blockedAt} is null`);
}

export async function listSealedForUpdate(db: Database): Promise<{ cardId: string; sealed: string }[]> {
  return db.select({ cardId: adminKeys.cardId, sealed: adminKeys.sealed }).from(adminKeys).for('update');
}

export async function updateSealed(db: Database, cardId: string, sealed: string): Promise<void> {
  await db
    .update(adminKeys)
    .set({ sealed, updatedAt: sql`now()` })
    .where(eq(adminKeys.cardId, cardId));
}
