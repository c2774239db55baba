import { and, eq, gt, isNull, lt, ne, or, sql } from 'drizzle-orm';
import type { Database } from '../db/database.js';
import { authTokens } from '../db/schema.js';

export type SubjectType = 'operator' | 'cardholder';
/** 'second_factor': a limited session that may only complete or enrol a second factor. */
export type TokenScope = 'full' | 'second_factor';

export async function insertToken(
  db: Database,
  token: {
    tokenHash: string;
    subjectType: SubjectType;
    subjectId: string;
    expiresAt: Date;
    scope?: TokenScope;
  },
): Promise<void> {
  await db.insert(authTokens).values(token);
}

/** The subject of a live (unexpired, unrevoked) token, looked up by its digest. */
export async function findLiveToken(
  db: Database,
  tokenHash: string,
): Promise<{ id: string; subjectType: SubjectType; subjectId: string; scope: TokenScope } | undefined> {
  const [row] = await db
    .select({
      id: authTokens.id,
      subjectType: authTokens.subjectType,
      subjectId: authTokens.subjectId,
      scope: authTokens.scope,
    })
    .from(authTokens)
    .where(
      and(
        eq(authTokens.tokenHash, tokenHash),
        isNull(authTokens.revokedAt),
        gt(authTokens.expiresAt, sql`now()`),
      ),
    );
  return row;
}

export async function revokeToken(db: Database, id: string): Promise<void> {
  await db
    .update(authTokens)
    .set({ revokedAt: sql`now()` })
    .where(eq(authTokens.id, id));
}

/** Ends every session of a subject (disabled operator, suspended cardholder, changed password). */
export async function revokeTokensOf(db: Database, subjectId: string): Promise<void> {
  await db
    .update(authTokens)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(authTokens.subjectId, subjectId), isNull(authTokens.revokedAt)));
}

/** Ends every session of a subject but `keepTokenId` (a password changed from that session). */
export async function revokeOtherTokensOf(
  db: Database,
  subjectId: string,
  keepTokenId: string,
): Promise<void> {
  await db
    .update(authTokens)
    .set({ revokedAt: sql`now()` })
    .where(
      and(eq(authTokens.subjectId, subjectId), isNull(authTokens.revokedAt), ne(authTokens.id, keepTokenId)),
    );
}

export async function deleteDeadTokens(db: Database): Promise<void> {
  await db
    .delete(authTokens)
    .where(
      or(
        lt(authTokens.expiresAt, sql`now() - interval '1 day'`),
        lt(authTokens.revokedAt, sql`now() - interval '1 day'`),
      ),
    );
}
