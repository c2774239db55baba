import { count, eq, sql } from 'drizzle-orm';
import type { CardState, CardType } from '@cardwarden/contract';
import type { AdminKeyAlgorithm } from '@cardwarden/protocol/admin-key';
import type { Database } from '../db/database.js';
import { cappedTotal, SEARCH_BRANCH_LIMIT, termMatches } from '../db/search.js';
import { searchStatistics } from '../db/search-statistics.js';
import { adminKeys, cards, profiles, users } from '../db/schema.js';
import type { ProfileRow } from './profile.repository.js';
import type { UserState } from './user.repository.js';

export type { CardState, CardType } from '@cardwarden/contract';

/** A card with what deciding about an unblock needs: its holder, profile and admin-key counter. */
export interface CardRecord {
  readonly id: string;
  readonly serial: string;
  readonly type: CardType;
  readonly state: CardState;
  readonly user: {
    readonly id: string;
    readonly username: string;
    readonly displayName: string;
    readonly email: string;
    readonly state: UserState;
  };
  readonly profile: ProfileRow;
  readonly adminKey: {
    readonly algorithm: AdminKeyAlgorithm;
    readonly kcv: string;
    readonly attemptsUsed: number;
    /** When the card reported a failure on its last attempt (the key is blocked on the card), or null. */
    readonly blockedAt: Date | null;
    /** The last change of the attempt count (or of the sealed key). */
    readonly updatedAt: Date;
  };
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

const cardColumns = {
  id: cards.id,
  serial: cards.serial,
  type: cards.type,
  state: cards.state,
  user: {
    id: users.id,
    username: users.username,
    displayName: users.displayName,
    email: users.email,
    state: users.state,
  },
  profile: profiles,
  adminKey: {
    algorithm: adminKeys.algorithm,
    kcv: adminKeys.kcv,
    attemptsUsed: adminKeys.attemptsUsed,
    blockedAt: adminKeys.blockedAt,
    updatedAt: adminKeys.updatedAt,
  },
  createdAt: cards.createdAt,
  updatedAt: cards.updatedAt,
};

function selectCards(db: Database) {
  return db
    .select(cardColumns)
    .from(cards)
    .innerJoin(users, eq(users.id, cards.userId))
    .innerJoin(profiles, eq(profiles.id, cards.profileId))
    .innerJoin(adminKeys, eq(adminKeys.cardId, cards.id));
}

export async function insertCard(
  db: Database,
  card: { serial: string; type: CardType; userId: string; profileId: string },
): Promise<string> {
  const [row] = await db.insert(cards).values(card).returning({ id: cards.id });
  if (!row) throw new Error('insert returned no row');
  return row.id;
}

export async function findCardById(db: Database, id: string): Promise<CardRecord | undefined> {
  const [row] = await selectCards(db).where(eq(cards.id, id));
  return row;
}

export async function findCardBySerial(db: Database, serial: string): Promise<CardRecord | undefined> {
  const [row] = await selectCards(db).where(sql`lower(${cards.serial}) = lower(${serial})`);
  return row;
}

export async function listCardsOfUser(db: Database, userId: string): Promise<CardRecord[]> {
  return selectCards(db).where(eq(cards.userId, userId)).orderBy(cards.createdAt);
}

/**
 * Card Search: cards whose serial matches `serial` (see db/search.ts), the exact serial first, then by
 * serial. Like User Lookup, the matching cards come from index-served branches that stop at
 * SEARCH_BRANCH_LIMIT rows and are sorted and counted from what the branches read; only the page is
 * joined to holders, profiles and keys. So a common fragment costs no more than a rare one, and the
 * total is capped.
 */
export async function searchCards(
  db: Database,
  query: { serial?: string | undefined; userId?: string | undefined; limit: number; offset: number },
): Promise<{ items: CardRecord[]; total: number; totalCapped: boolean }> {
  if (!query.serial) return listCards(db, query);
  const term = query.serial;
  const holder = query.userId === undefined ? sql`` : sql` and c.user_id = ${query.userId}`;
  const page = sql`(
    select hits.id, (count(*) over ())::int as counted, lower(hits.serial) <> lower(${term}) as inexact,
           hits.serial
    from (
      (select c.id, c.serial from cards as c where lower(c.serial) = lower(${term})${holder})
      union (select c.id, c.serial from cards as c
             where ${termMatches(sql`c.serial`, term, searchStatistics(db)?.serial)}${holder}
             limit ${SEARCH_BRANCH_LIMIT})
    ) as hits
    order by inexact, hits.serial
    limit ${query.limit} offset ${query.offset}
  ) as page`;
  const rows = await db
    .select({ ...cardColumns, counted: sql<number>`page.counted` })
    .from(cards)
    .innerJoin(page, sql`page.id = ${cards.id}`)
    .innerJoin(users, eq(users.id, cards.userId))
    .innerJoin(profiles, eq(profiles.id, cards.profileId))
    .innerJoin(adminKeys, eq(adminKeys.cardId, cards.id))
    .orderBy(sql`page.inexact, page.serial`);
  const first = rows[0];
  // Past the last page no row carries the count: count the hits on their own.
  const counted =
    first?.counted ??
    (query.offset > 0 ? (await searchCards(db, { ...query, limit: 1, offset: 0 })).total : 0);
  return { items: rows.map(({ counted: _counted, ...card }) => card), ...cappedTotal(counted) };
}

/** Every card (of a holder), in serial order; counted up to the cap. */
async function listCards(
  db: Database,
  query: { userId?: string | undefined; limit: number; offset: number },
): Promise<{ items: CardRecord[]; total: number; totalCapped: boolean }> {
  const condition = query.userId === undefined ? undefined : eq(cards.userId, query.userId);
  // lower(serial) is unique and indexed (cards_serial_key): the listing walks that index.
  const items = await selectCards(db)
    .where(condition)
    .orderBy(sql`lower(${cards.serial})`)
    .limit(query.limit)
    .offset(query.offset);
  const holder = query.userId === undefined ? sql`` : sql` where c.user_id = ${query.userId}`;
  const [row] = await db
    .select({ n: count() })
    .from(sql`(select 1 from cards as c${holder} limit ${SEARCH_BRANCH_LIMIT}) as capped`);
  return { items, ...cappedTotal(row?.n ?? 0) };
}

export async function updateCard(
  db: Database,
  id: string,
  changes: { state?: CardState | undefined; profileId?: string | undefined },
): Promise<boolean> {
  const rows = await db
    .update(cards)
    .set({ ...changes, updatedAt: sql`now()` })
    .where(eq(cards.id, id))
    .returning({ id: cards.id });
  return rows.length > 0;
}
