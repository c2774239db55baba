import { and, count, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/database.js';
import { containsPattern } from '../db/like.js';
import { cards, users } from '../db/schema.js';

export type UserState = 'active' | 'suspended' | 'deleted';

export interface UserRecord {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly email: string;
  readonly state: UserState;
  readonly hasPassword: boolean;
  readonly source: 'local' | 'directory';
  /** The directory, not an operator, suspended this user. */
  readonly suspendedByDirectory: boolean;
  readonly cardCount: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

// Drizzle leaves columns unqualified in a one-table select, so inside a subquery "id" would mean the
// subquery's own table: the subqueries here alias theirs and name the outer table explicitly.
const cardCount = sql<number>`(select count(*)::int from ${cards} as c where c.user_id = ${users}.id)`;

const columns = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  email: users.email,
  state: users.state,
  hasPassword: sql<boolean>`${users.passwordHash} is not null`,
  source: users.source,
  suspendedByDirectory: users.suspendedByDirectory,
  cardCount,
  createdAt: users.createdAt,
  updatedAt: users.updatedAt,
};

export async function insertUser(
  db: Database,
  user: { username: string; displayName: string; email: string },
): Promise<string> {
  const [row] = await db.insert(users).values(user).returning({ id: users.id });
  if (!row) throw new Error('insert returned no row');
  return row.id;
}

export async function findUserById(db: Database, id: string): Promise<UserRecord | undefined> {
  const [row] = await db.select(columns).from(users).where(eq(users.id, id));
  return row;
}

export async function findUserByUsername(db: Database, username: string): Promise<UserRecord | undefined> {
  const [row] = await db
    .select(columns)
    .from(users)
    .where(sql`lower(${users.username}) = lower(${username})`);
  return row;
}

export async function findUserPasswordHash(
  db: Database,
  username: string,
): Promise<
  | {
      id: string;
      username: string;
      state: UserState;
      passwordHash: string | null;
      source: 'local' | 'directory';
      directoryId: string | null;
    }
  | undefined
> {
  const [row] = await db
    .select({
      id: users.id,
      username: users.username,
      state: users.state,
      passwordHash: users.passwordHash,
      source: users.source,
      directoryId: users.directoryId,
    })
    .from(users)
    .where(sql`lower(${users.username}) = lower(${username})`);
  return row;
}

/** Finds users whose username, name or email contains `q`, or who hold a card whose serial contains it. */
export async function searchUsers(
  db: Database,
  query: { q?: string | undefined; state?: UserState | undefined; limit: number; offset: number },
): Promise<{ items: UserRecord[]; total: number }> {
  const conditions: SQL[] = [];
  if (query.q) {
    const pattern = containsPattern(query.q);
    const match = or(
      ilike(users.username, pattern),
      ilike(users.displayName, pattern),
      ilike(users.email, pattern),
      sql`exists (select 1 from ${cards} as c where c.user_id = ${users}.id and c.serial ilike ${pattern})`,
    );
    if (match) conditions.push(match);
  }
  if (query.state) conditions.push(eq(users.state, query.state));
  const condition = conditions.length > 0 ? and(...conditions) : undefined;
  // Exact username matches first, then by name: what an operator typing a username expects.
  const items = await db
    .select(columns)
    .from(users)
    .where(condition)
    .orderBy(sql`lower(${users.username}) <> lower(${query.q ?? ''})`, users.displayName, users.username)
    .limit(query.limit)
    .offset(query.offset);
  const [total] = await db.select({ n: count() }).from(users).where(condition);
  return { items, total: total?.n ?? 0 };
}

export async function updateUser(
  db: Database,
  id: string,
  changes: { displayName?: string | undefined; email?: string | undefined; state?: UserState | undefined },
): Promise<boolean> {
  const rows = await db
    .update(users)
    .set({ ...changes, updatedAt: sql`now()` })
    .where(eq(users.id, id))
    .returning({ id: users.id });
  return rows.length > 0;
}

export async function setUserPasswordHash(
  db: Database,
  id: string,
  passwordHash: string | null,
): Promise<boolean> {
  const rows = await db
    .update(users)
    .set({ passwordHash, updatedAt: sql`now()` })
    .where(eq(users.id, id))
    .returning({ id: users.id });
  return rows.length > 0;
}
