import { eq, getTableColumns, sql } from 'drizzle-orm';
import type { Database } from '../db/database.js';
import { cards, profiles } from '../db/schema.js';

export type ProfileRow = typeof profiles.$inferSelect;
export type ProfileRecord = ProfileRow & { readonly cardCount: number };
export type ProfileValues = Omit<typeof profiles.$inferInsert, 'id' | 'createdAt' | 'updatedAt'>;

const withCardCount = {
  ...getTableColumns(profiles),
  // Qualified by hand: Drizzle leaves columns unqualified in a one-table select (see user.repository.ts).
  cardCount: sql<number>`(select count(*)::int from ${cards} as c where c.profile_id = ${profiles}.id)`,
};

export async function insertProfile(db: Database, values: ProfileValues): Promise<string> {
  const [row] = await db.insert(profiles).values(values).returning({ id: profiles.id });
  if (!row) throw new Error('insert returned no row');
  return row.id;
}

export async function findProfileById(db: Database, id: string): Promise<ProfileRecord | undefined> {
  const [row] = await db.select(withCardCount).from(profiles).where(eq(profiles.id, id));
  return row;
}

export async function findProfileByName(db: Database, name: string): Promise<ProfileRecord | undefined> {
  const [row] = await db
    .select(withCardCount)
    .from(profiles)
    .where(sql`lower(${profiles.name}) = lower(${name})`);
  return row;
}

export async function listProfiles(db: Database): Promise<ProfileRecord[]> {
  return db.select(withCardCount).from(profiles).orderBy(profiles.name);
}

export async function updateProfile(
  db: Database,
  id: string,
  values: Partial<ProfileValues>,
): Promise<boolean> {
  const rows = await db
    .update(profiles)
    .set({ ...values, updatedAt: sql`now()` })
    .where(eq(profiles.id, id))
    .returning({ id: profiles.id });
  return rows.length > 0;
}
