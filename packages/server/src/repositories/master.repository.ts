import { and, asc, desc, eq, isNotNull, sql } from 'drizzle-orm';
import type { Database } from '../db/database.js';
import { adminKeys, masters } from '../db/schema.js';

export type MasterRow = typeof masters.$inferSelect;
export type MasterAlgorithm = MasterRow['algorithm'];

export async function listMasters(db: Database, profileId: string): Promise<MasterRow[]> {
  return db.select().from(masters).where(eq(masters.profileId, profileId)).orderBy(asc(masters.version));
}

/**
 * How many cards' admin keys derive from each of the profile's masters (by master id; a master no card
 * uses is absent). One grouped count over the profile's derived keys.
 */
export async function countCardsByMaster(db: Database, profileId: string): Promise<Map<string, number>> {
  const rows = await db
    .select({ masterId: adminKeys.masterId, cards: sql<number>`count(*)::int` })
    .from(adminKeys)
    .innerJoin(masters, eq(masters.id, adminKeys.masterId))
    .where(eq(masters.profileId, profileId))
    .groupBy(adminKeys.masterId);
  return new Map(rows.flatMap((r) => (r.masterId === null ? [] : [[r.masterId, r.cards] as const])));
}

export async function findMasterById(db: Database, id: string): Promise<MasterRow | undefined> {
  const [row] = await db.select().from(masters).where(eq(masters.id, id));
  return row;
}

export async function findMasterByVersion(
  db: Database,
  profileId: string,
  version: number,
): Promise<MasterRow | undefined> {
  const [row] = await db
    .select()
    .from(masters)
    .where(and(eq(masters.profileId, profileId), eq(masters.version, version)));
  return row;
}

/** The profile's current master: its highest active version. */
export async function findCurrentMaster(db: Database, profileId: string): Promise<MasterRow | undefined> {
  const [row] = await db
    .select()
    .from(masters)
    .where(and(eq(masters.profileId, profileId), eq(masters.state, 'active')))
    .orderBy(desc(masters.version))
    .limit(1);
  return row;
}

/** Serialises changes to a profile's masters until the transaction ends (re-entrant). */
export async function lockProfileMasters(db: Database, profileId: string): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(hashtext(${`cardwarden:masters:${profileId}`}))`);
}

/** The next version number, with the profile's masters locked so that two rotations cannot race. */
export async function lockNextMasterVersion(db: Database, profileId: string): Promise<number> {
  await lockProfileMasters(db, profileId);
  const [row] = await db
    .select({ top: sql<number | null>`max(${masters.version})` })
    .from(masters)
    .where(eq(masters.profileId, profileId));
  return (row?.top ?? 0) + 1;
}

export async function insertMaster(
  db: Database,
  values: Omit<typeof masters.$inferInsert, 'id' | 'createdAt' | 'state'>,
): Promise<MasterRow> {
  const [row] = await db.insert(masters).values(values).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

/** Every other active version of the profile becomes retired: it derives old cards' keys, no new ones. */
export async function retireOtherMasters(db: Database, profileId: string, keepId: string): Promise<void> {
  await db
    .update(masters)
    .set({ state: 'retired' })
    .where(
      and(eq(masters.profileId, profileId), eq(masters.state, 'active'), sql`${masters.id} <> ${keepId}`),
    );
}

/** Masters sealed under the KEK (not HSM-held), locked for KEK rotation. */
export async function listSealedMastersForUpdate(
  db: Database,
): Promise<{ id: string; profileId: string; version: number; sealed: string }[]> {
  const rows = await db
    .select({
      id: masters.id,
      profileId: masters.profileId,
      version: masters.version,
      sealed: masters.sealed,
    })
    .from(masters)
    .where(isNotNull(masters.sealed))
    .for('update');
  return rows.flatMap((r) => (r.sealed === null ? [] : [{ ...r, sealed: r.sealed }]));
}

export async function updateMasterSealed(db: Database, id: string, sealed: string): Promise<void> {
  await db.update(masters).set({ sealed }).where(eq(masters.id, id));
}
