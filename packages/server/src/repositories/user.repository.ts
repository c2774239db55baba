import { count, eq, sql, type SQL } from 'drizzle-orm';
import type { AccountSource, UserState } from '@cardwarden/contract';
import type { Database } from '../db/database.js';
import { cappedTotal, columnMatch, SEARCH_BRANCH_LIMIT, termMatches } from '../db/search.js';
import { searchStatistics } from '../db/search-statistics.js';
import { cards, users } from '../db/schema.js';

export type { UserState } from '@cardwarden/contract';

export interface UserRecord {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly email: string;
  readonly state: UserState;
  readonly hasPassword: boolean;
  readonly source: AccountSource;
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
      source: AccountSource;
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

/**
 * User Lookup: users whose username, name or email matches `q`, or who hold a card whose serial does
 * (see db/search.ts for "matches"), the exact username first, then by name.
 *
 * At a million users no step may touch every row: each column is its own branch served by its own index
 * and stops at SEARCH_BRANCH_LIMIT rows, except that the columns the sample calls the term common in are
 * checked together by one scan of the table, which stops as early (db/search.ts, scansInOrder). A long
 * term gives each trigram index only its rarest trigrams (db/search.ts).
 * The union of the branches (a few hundred rows at most) is counted from what the branches read, only
 * its first page is sorted (ORDER BY … LIMIT keeps the best rows in a small heap), and only the page is
 * joined back for its columns. So a common term gives its first matches by name among those the
 * branches found, with `totalCapped` saying there are more than SEARCH_TOTAL_CAP.
 */
export async function searchUsers(
  db: Database,
  query: { q?: string | undefined; state?: UserState | undefined; limit: number; offset: number },
): Promise<{ items: UserRecord[]; total: number; totalCapped: boolean }> {
  if (!query.q) return listUsers(db, query);
  const q = query.q;
  const state = query.state === undefined ? sql`` : sql` and u.state = ${query.state}`;
  // Which trigrams of a long term are rare in each column (db/search-statistics.ts); none at first.
  const statistics = searchStatistics(db);
  const branch = (condition: SQL) =>
    sql`(select u.id, u.username, u.display_name from users as u
         where ${condition}${state} limit ${SEARCH_BRANCH_LIMIT})`;
  const userColumns = (
    [
      [sql`u.username`, statistics?.username],
      [sql`u.display_name`, statistics?.displayName],
      [sql`u.email`, statistics?.email],
    ] as const
  ).map(([column, trigrams]) => columnMatch(column, q, trigrams));
  // Columns whose term is common are checked row by row (db/search.ts): one scan checks them all, rather
  // than one scan each over the same rows. Its SEARCH_BRANCH_LIMIT rows prove the cap as well.
  const scanned = userColumns.filter((c) => c.scans).map((c) => c.condition);
  const branches = [
    ...userColumns.filter((c) => !c.scans).map((c) => branch(c.condition)),
    ...(scanned.length === 0 ? [] : [branch(sql`(${sql.join(scanned, sql` or `)})`)]),
  ];
  const page = sql`(
    select hits.id, (count(*) over ())::int as counted, lower(hits.username) <> lower(${q}) as inexact,
           hits.display_name, hits.username
    from (
      (select u.id, u.username, u.display_name from users as u where lower(u.username) = lower(${q})${state})
      ${sql.join(
        branches.map((b) => sql`union ${b}`),
        sql` `,
      )}
      union (select u.id, u.username, u.display_name from cards as c join users as u on u.id = c.user_id
             where ${termMatches(sql`c.serial`, q, statistics?.serial)}${state} limit ${SEARCH_BRANCH_LIMIT})
    ) as hits
    order by inexact, hits.display_name, hits.username
    limit ${query.limit} offset ${query.offset}
  ) as page`;
  const rows = await db
    .select({ ...columns, counted: sql<number>`page.counted` })
    .from(users)
    .innerJoin(page, sql`page.id = ${users.id}`)
    .orderBy(sql`page.inexact, page.display_name, page.username`);
  const first = rows[0];
  // Past the last page no row carries the count: count the hits on their own.
  const counted =
    first?.counted ??
    (query.offset > 0 ? (await searchUsers(db, { ...query, limit: 1, offset: 0 })).total : 0);
  return { items: rows.map(({ counted: _counted, ...user }) => user), ...cappedTotal(counted) };
}

/** Every user (in a state), by name; counted up to the cap so that a million users cost nothing to count. */
async function listUsers(
  db: Database,
  query: { state?: UserState | undefined; limit: number; offset: number },
): Promise<{ items: UserRecord[]; total: number; totalCapped: boolean }> {
  const condition = query.state === undefined ? undefined : eq(users.state, query.state);
  const items = await db
    .select(columns)
    .from(users)
    .where(condition)
    .orderBy(users.displayName, users.username)
    .limit(query.limit)
    .offset(query.offset);
  const state = query.state === undefined ? sql`` : sql` where u.state = ${query.state}`;
  const [row] = await db
    .select({ n: count() })
    .from(sql`(select 1 from users as u${state} limit ${SEARCH_BRANCH_LIMIT}) as capped`);
  return { items, ...cappedTotal(row?.n ?? 0) };
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
