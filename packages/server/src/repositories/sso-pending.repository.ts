/**
 * Single sign-on state in progress (sso_pending), shared by every server instance. Rows are found by
 * kind and the digest of their handle; taking one is a DELETE … RETURNING, so a handle works once on
 * every instance even when two requests race.
 */
import { and, eq, gt, lte, sql } from 'drizzle-orm';
import type { Database } from '../db/database.js';
import { ssoPending } from '../db/schema.js';

export interface SsoPendingPayload {
  readonly sealed: string;
}

/** The row of `kind` whose handle digests to `lookup`. */
const rowOf = (kind: string, lookup: string) => and(eq(ssoPending.kind, kind), eq(ssoPending.lookup, lookup));

/** That row while it is live at `now`. */
const liveRowOf = (kind: string, lookup: string, now: Date) =>
  and(rowOf(kind, lookup), gt(ssoPending.expiresAt, now));

export async function insertSsoPending(
  db: Database,
  row: { kind: string; lookup: string; payload: SsoPendingPayload; expiresAt: Date },
): Promise<void> {
  await db.insert(ssoPending).values(row);
}

/** How many live rows of `kind` there are, counting no further than `limit` (a cheap capacity check). */
export async function countLiveSsoPending(
  db: Database,
  kind: string,
  limit: number,
  now: Date,
): Promise<number> {
  const live = db
    .select({ one: sql`1` })
    .from(ssoPending)
    .where(and(eq(ssoPending.kind, kind), gt(ssoPending.expiresAt, now)))
    .limit(limit)
    .as('live');
  const [row] = await db.select({ count: sql<number>`count(*)::int` }).from(live);
  return row?.count ?? 0;
}

export async function findSsoPending(
  db: Database,
  kind: string,
  lookup: string,
  now: Date,
): Promise<SsoPendingPayload | undefined> {
  const [row] = await db
    .select({ payload: ssoPending.payload })
    .from(ssoPending)
    .where(liveRowOf(kind, lookup, now));
  return row?.payload;
}

/** Removes the row and returns its payload when it was still live: only one caller ever gets it. */
export async function takeSsoPending(
  db: Database,
  kind: string,
  lookup: string,
  now: Date,
): Promise<SsoPendingPayload | undefined> {
  const [row] = await db
    .delete(ssoPending)
    .where(rowOf(kind, lookup))
    .returning({ payload: ssoPending.payload, expiresAt: ssoPending.expiresAt });
  return row && row.expiresAt > now ? row.payload : undefined;
}

/** Replaces the payload of a live row, keeping its expiry; false when it is gone. */
export async function replaceSsoPending(
  db: Database,
  kind: string,
  lookup: string,
  payload: SsoPendingPayload,
  now: Date,
): Promise<boolean> {
  const updated = await db
    .update(ssoPending)
    .set({ payload })
    .where(liveRowOf(kind, lookup, now))
    .returning({ kind: ssoPending.kind });
  return updated.length > 0;
}

/** Housekeeping: deletes expired rows. Returns how many. */
export async function deleteExpiredSsoPending(db: Database): Promise<number> {
  const deleted = await db
    .delete(ssoPending)
    .where(lte(ssoPending.expiresAt, sql`now()`))
    .returning({ kind: ssoPending.kind });
  return deleted.length;
}
