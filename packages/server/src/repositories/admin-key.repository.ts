import { and, count, eq, isNull, sql } from 'drizzle-orm';
import type { AdminKeyAlgorithm } from '@cardwarden/protocol/admin-key';
import { RESPONSE_BUDGET_HOURS } from '@cardwarden/contract/policy';
import type { Database } from '../db/database.js';
import { adminKeyResponses, adminKeys } from '../db/schema.js';

export async function countAdminKeys(db: Database): Promise<number> {
  const [row] = await db.select({ n: count() }).from(adminKeys);
  return row?.n ?? 0;
}

/** A key row: `sealed` for a random key; `masterId` + `derivation` (and `sealed` empty) for a derived one. */
export interface AdminKeyValues {
  algorithm: AdminKeyAlgorithm;
  sealed: string;
  kcv: string;
  masterId?: string | null;
  derivation?: string | null;
}

export async function insertAdminKey(db: Database, key: AdminKeyValues & { cardId: string }): Promise<void> {
  await db.insert(adminKeys).values(key);
}

/** A new key for the card: the count starts again and a blocked state belongs to the old key. */
export async function replaceAdminKey(db: Database, cardId: string, key: AdminKeyValues): Promise<void> {
  await db
    .update(adminKeys)
    .set({
      masterId: null,
      derivation: null,
      ...key,
      attemptsUsed: 0,
      blockedAt: null,
      createdAt: sql`now()`,
      updatedAt: sql`now()`,
    })
    .where(eq(adminKeys.cardId, cardId));
}

/** What opening or deriving a card's admin key needs (see services/admin-key-response.ts withAdminKey). */
export interface SealedAdminKey {
  readonly algorithm: AdminKeyAlgorithm;
  readonly sealed: string;
  /** Set for a derived key (then `sealed` is empty). */
  readonly masterId: string | null;
  readonly derivation: string | null;
}

/** The columns of a SealedAdminKey, for the reads that return one. */
const SEALED_KEY_COLUMNS = {
  algorithm: adminKeys.algorithm,
  sealed: adminKeys.sealed,
  masterId: adminKeys.masterId,
  derivation: adminKeys.derivation,
};

export interface LockedAdminKey extends SealedAdminKey {
  readonly attemptsUsed: number;
  readonly confirmedUnblockAt: Date | null;
}

/**
 * Reads a card's admin key and locks its row until the transaction ends, so that counting attempts is
 * serialised across every server instance. Call inside a transaction.
 */
export async function lockAdminKey(db: Database, cardId: string): Promise<LockedAdminKey | undefined> {
  const [row] = await db
    .select({
      ...SEALED_KEY_COLUMNS,
      attemptsUsed: adminKeys.attemptsUsed,
      confirmedUnblockAt: adminKeys.confirmedUnblockAt,
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

/** The card proved an unblock: its retry counter is reset, and a new 24 h response budget starts. */
export async function confirmUnblock(db: Database, cardId: string): Promise<void> {
  await db
    .update(adminKeys)
    .set({ attemptsUsed: 0, confirmedUnblockAt: sql`now()`, updatedAt: sql`now()` })
    .where(eq(adminKeys.cardId, cardId));
}

/** The sealed (random) keys, locked; derived keys have nothing sealed and are left out. */
export async function listSealedForUpdate(db: Database): Promise<{ cardId: string; sealed: string }[]> {
  return db
    .select({ cardId: adminKeys.cardId, sealed: adminKeys.sealed })
    .from(adminKeys)
    .where(and(isNull(adminKeys.masterId), sql`${adminKeys.sealed} <> ''`))
    .for('update');
}

export async function updateSealed(db: Database, cardId: string, sealed: string): Promise<void> {
  await db
    .update(adminKeys)
    .set({ sealed, updatedAt: sql`now()` })
    .where(eq(adminKeys.cardId, cardId));
}

/**
 * Responses issued for a card in the policy's 24 h cap window (RESPONSE_BUDGET_HOURS), since its admin key was registered (a re-keyed card
 * starts afresh) and after its last proven unblock, whatever outcomes
 * were reported. Exact under the admin key's row lock (every issuer takes it before inserting).
 */
export async function countRecentResponses(db: Database, cardId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(adminKeyResponses)
    .innerJoin(adminKeys, eq(adminKeys.cardId, adminKeyResponses.cardId))
    .where(
      sql`${adminKeyResponses.cardId} = ${cardId}
        and ${adminKeyResponses.issuedAt} > now() - make_interval(hours => ${RESPONSE_BUDGET_HOURS})
        and ${adminKeyResponses.issuedAt} > ${adminKeys.createdAt}
        and (${adminKeys.confirmedUnblockAt} is null or ${adminKeyResponses.issuedAt} > ${adminKeys.confirmedUnblockAt})`,
    );
  return row?.n ?? 0;
}

/**
 * Deletes the records of responses issued more than `olderThanHours` ago (longer than the 24 h budget
 * window, the only reader): they count for nothing any more. The audit log keeps every response.
 */
export async function deleteExpiredResponseRecords(db: Database, olderThanHours: number): Promise<number> {
  const deleted = await db
    .delete(adminKeyResponses)
    .where(sql`${adminKeyResponses.issuedAt} < now() - make_interval(hours => ${olderThanHours})`)
    .returning({ id: adminKeyResponses.id });
  return deleted.length;
}

/** Records one response issued for the 24 h budget. */
export async function recordResponse(db: Database, cardId: string, approved: boolean): Promise<void> {
  await db.insert(adminKeyResponses).values({ cardId, approved });
}

/** A card's keys for issuance: the active one and the pending one (written or about to be), sealed. */
export interface IssuanceKeys {
  readonly algorithm: AdminKeyAlgorithm;
  readonly sealed: string;
  readonly kcv: string;
  readonly masterId: string | null;
  readonly derivation: string | null;
  readonly pending: IssuanceKey | null;
}

/** One of a card's keys as issuance uses it: sealed, or derived from a master (sealed then empty). */
export interface IssuanceKey extends SealedAdminKey {
  readonly kcv: string;
}

/** Reads both keys and locks the row until the transaction ends (issuance steps are serialised per card). */
export async function lockIssuanceKeys(db: Database, cardId: string): Promise<IssuanceKeys | undefined> {
  const [row] = await db
    .select({
      ...SEALED_KEY_COLUMNS,
      kcv: adminKeys.kcv,
      pendingAlgorithm: adminKeys.pendingAlgorithm,
      pendingSealed: adminKeys.pendingSealed,
      pendingKcv: adminKeys.pendingKcv,
      pendingMasterId: adminKeys.pendingMasterId,
      pendingDerivation: adminKeys.pendingDerivation,
    })
    .from(adminKeys)
    .where(eq(adminKeys.cardId, cardId))
    .for('update');
  if (!row) return undefined;
  const { pendingAlgorithm, pendingSealed, pendingKcv } = row;
  return {
    algorithm: row.algorithm,
    sealed: row.sealed,
    kcv: row.kcv,
    masterId: row.masterId,
    derivation: row.derivation,
    pending:
      // A derived pending key's sealed column is empty, not null.
      pendingAlgorithm && pendingSealed !== null && pendingKcv
        ? {
            algorithm: pendingAlgorithm,
            sealed: pendingSealed,
            kcv: pendingKcv,
            masterId: row.pendingMasterId,
            derivation: row.pendingDerivation,
          }
        : null,
  };
}

/** Records the key about to be written to the card, before it is written: the server then holds both. */
export async function setPendingAdminKey(db: Database, cardId: string, key: AdminKeyValues): Promise<void> {
  await db
    .update(adminKeys)
    .set({
      pendingAlgorithm: key.algorithm,
      pendingSealed: key.sealed,
      pendingKcv: key.kcv,
      pendingMasterId: key.masterId ?? null,
      pendingDerivation: key.derivation ?? null,
      pendingSince: sql`now()`,
      updatedAt: sql`now()`,
    })
    .where(eq(adminKeys.cardId, cardId));
}

/** The card proved the pending key: it becomes the active key (a new key: counts start again). */
export async function promotePendingAdminKey(db: Database, cardId: string): Promise<void> {
  await db
    .update(adminKeys)
    .set({
      algorithm: sql`${adminKeys.pendingAlgorithm}`,
      sealed: sql`${adminKeys.pendingSealed}`,
      kcv: sql`${adminKeys.pendingKcv}`,
      masterId: sql`${adminKeys.pendingMasterId}`,
      derivation: sql`${adminKeys.pendingDerivation}`,
      pendingMasterId: null,
      pendingDerivation: null,
      pendingAlgorithm: null,
      pendingSealed: null,
      pendingKcv: null,
      pendingSince: null,
      attemptsUsed: 0,
      blockedAt: null,
      createdAt: sql`now()`,
      updatedAt: sql`now()`,
    })
    .where(sql`${adminKeys.cardId} = ${cardId} and ${adminKeys.pendingSealed} is not null`);
}

/** Pending keys, for KEK rotation (locked with the rest of the rotation's rows). */
export async function listPendingSealedForUpdate(
  db: Database,
): Promise<{ cardId: string; sealed: string }[]> {
  const rows = await db
    .select({ cardId: adminKeys.cardId, sealed: adminKeys.pendingSealed })
    .from(adminKeys)
    // A derived pending key has nothing sealed: it follows its master.
    .where(sql`${adminKeys.pendingSealed} is not null and ${adminKeys.pendingMasterId} is null`)
    .for('update');
  return rows.flatMap((row) => (row.sealed === null ? [] : [{ cardId: row.cardId, sealed: row.sealed }]));
}

export async function updatePendingSealed(db: Database, cardId: string, sealed: string): Promise<void> {
  await db
    .update(adminKeys)
    .set({ pendingSealed: sealed, updatedAt: sql`now()` })
    .where(eq(adminKeys.cardId, cardId));
}
