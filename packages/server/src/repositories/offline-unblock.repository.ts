import { and, desc, eq, gt, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/database.js';
import { offlineUnblocks } from '../db/schema.js';

export type OfflineUnblockRecord = typeof offlineUnblocks.$inferSelect;
export type OfflineUnblockState = OfflineUnblockRecord['state'];

export async function insertOfflineUnblock(
  db: Database,
  session: {
    identityQuestionIds: string[];
    cardId: string;
    userId: string;
    startedByType: 'operator' | 'cardholder';
    startedById: string;
    startedByName: string;
    ticket: string | null;
    expiresAt: Date;
  },
): Promise<OfflineUnblockRecord> {
  const [row] = await db.insert(offlineUnblocks).values(session).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function findOfflineUnblock(
  db: Database,
  id: string,
): Promise<OfflineUnblockRecord | undefined> {
  const [row] = await db.select().from(offlineUnblocks).where(eq(offlineUnblocks.id, id));
  return row;
}

/** Reads a session and locks it until the transaction ends. */
export async function lockOfflineUnblock(
  db: Database,
  id: string,
): Promise<OfflineUnblockRecord | undefined> {
  const [row] = await db.select().from(offlineUnblocks).where(eq(offlineUnblocks.id, id)).for('update');
  return row;
}

export async function recordResponseIssued(db: Database, id: string): Promise<void> {
  await db
    .update(offlineUnblocks)
    .set({ responsesIssued: sql`${offlineUnblocks.responsesIssued} + 1` })
    .where(eq(offlineUnblocks.id, id));
}

export async function recordApproval(
  db: Database,
  id: string,
  approver: { id: string; username: string },
): Promise<void> {
  await db
    .update(offlineUnblocks)
    .set({ approvedById: approver.id, approvedByName: approver.username, approvedAt: sql`now()` })
    .where(eq(offlineUnblocks.id, id));
}

/** An approval covers one last-attempt response; issuing it uses the approval up. */
export async function consumeApproval(db: Database, id: string): Promise<void> {
  await db
    .update(offlineUnblocks)
    .set({ approvedById: null, approvedByName: null, approvedAt: null })
    .where(eq(offlineUnblocks.id, id));
}

export async function closeOfflineUnblock(
  db: Database,
  id: string,
  state: Exclude<OfflineUnblockState, 'open'>,
): Promise<void> {
  await db
    .update(offlineUnblocks)
    .set({ state, closedAt: sql`now()` })
    .where(eq(offlineUnblocks.id, id));
}

/**
 * Sessions, newest first. `awaitingApproval` keeps, per card, only the newest open, unexpired session an
 * operator started, and only when nobody approved it yet (the caller checks that its next response is
 * the last attempt): an older session of the same card waits for nothing.
 */
export async function listOfflineUnblocks(
  db: Database,
  filter: {
    state?: OfflineUnblockState | undefined;
    cardId?: string | undefined;
    awaitingApproval?: boolean | undefined;
    limit: number;
  },
): Promise<OfflineUnblockRecord[]> {
  const conditions: SQL[] = [];
  if (filter.state) conditions.push(eq(offlineUnblocks.state, filter.state));
  if (filter.cardId) conditions.push(eq(offlineUnblocks.cardId, filter.cardId));
  if (filter.awaitingApproval) {
    const newestPerCard = db
      .selectDistinctOn([offlineUnblocks.cardId], { id: offlineUnblocks.id })
      .from(offlineUnblocks)
      .where(
        and(
          eq(offlineUnblocks.state, 'open'),
          gt(offlineUnblocks.expiresAt, sql`now()`),
          eq(offlineUnblocks.startedByType, 'operator'),
        ),
      )
      .orderBy(offlineUnblocks.cardId, desc(offlineUnblocks.createdAt), desc(offlineUnblocks.id));
    conditions.push(inArray(offlineUnblocks.id, newestPerCard), isNull(offlineUnblocks.approvedAt));
  }
  return db
    .select()
    .from(offlineUnblocks)
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(desc(offlineUnblocks.createdAt))
    .limit(filter.limit);
}

export async function recordIdentityVerified(db: Database, id: string): Promise<void> {
  await db
    .update(offlineUnblocks)
    .set({ identityVerifiedAt: sql`now()` })
    .where(eq(offlineUnblocks.id, id));
}
