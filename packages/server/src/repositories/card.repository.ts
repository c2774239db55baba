import { and, count, eq, ilike, sql, type SQL } from 'drizzle-orm';
import type { AdminKeyAlgorithm } from '@cardwarden/protocol';
import type { Database } from '../db/database.js';
import { containsPattern } from '../db/like.js';
import { adminKeys, cards, profiles, users } from '../db/schema.js';
import type { ProfileRow } from './profile.repository.js';
import type { UserState } from './user.repository.js';

export type CardType = 'minidriver' | 'gids' | 'piv';
export type CardState = 'active' | 'suspended' | 'revoked';

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

function selectCards(db: Database) {
  return db
    .select({
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
    })
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

export async function searchCards(
  db: Database,
  query: { serial?: string | undefined; userId?: string | undefined; limit: number; offset: number },
): Promise<{ items: CardRecord[]; total: number }> {
  const conditions: SQL[] = [];
  if (query.serial) conditions.push(ilike(cards.serial, containsPattern(query.serial)));
  if (query.userId) conditions.push(eq(cards.userId, query.userId));
  const condition = conditions.length > 0 ? and(...conditions) : undefined;
  const items = await selectCards(db)
    .where(condition)
    .orderBy(sql`lower(${cards.serial}) <> lower(${query.serial ?? ''})`, cards.serial)
    .limit(query.limit)
    .offset(query.offset);
  const [total] = await db.select({ n: count() }).from(cards).where(condition);
  return { items, total: total?.n ?? 0 };
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
