import { and, eq, isNull, lt, ne, or, sql } from 'drizzle-orm';
import type { SubjectType, TokenScope } from '@cardwarden/contract';
import type { Database } from '../db/database.js';
import { authTokens } from '../db/schema.js';
import type { OperatorRole } from './operator.repository.js';
import { runFixed, type FixedQuery } from './fixed-query.js';

/** 'second_factor' scope: a limited session that may only complete or enrol a second factor. */
export type { SubjectType, TokenScope } from '@cardwarden/contract';

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

/** The subject of a live token: who it is, and the state that decides whether the token still works. */
export type LiveTokenSubject =
  | {
      readonly tokenId: string;
      /** `second_factor`: a limited token that may only finish (or set up) the second sign-in step. */
      readonly scope: TokenScope;
      readonly subjectType: 'operator';
      readonly id: string;
      readonly username: string;
      readonly role: OperatorRole;
      readonly active: boolean;
      readonly mustChangePassword: boolean;
    }
  | {
      readonly tokenId: string;
      readonly scope: TokenScope;
      readonly subjectType: 'cardholder';
      readonly id: string;
      readonly username: string;
      readonly active: boolean;
    };

/*
 * One indexed lookup by the token's digest, joined with its operator or cardholder: every request reads
 * the token's revocation and its subject's state from the database (nothing cached), so a revoked token
 * or a disabled account stops working at once on every instance.
 */
const LIVE_TOKEN: FixedQuery = {
  name: 'cw_live_token',
  text: `select t.id as token_id, t.subject_type, t.scope,
      coalesce(o.id, u.id) as id, coalesce(o.username, u.username) as username, o.role,
      coalesce(o.state = 'active', u.state = 'active', false) as active,
      coalesce(o.must_change_password, false) as must_change_password
    from auth_tokens t
    left join operators o on t.subject_type = 'operator' and o.id = t.subject_id
    left join users u on t.subject_type = 'cardholder' and u.id = t.subject_id
    where t.token_hash = $1 and t.revoked_at is null and t.expires_at > now()`,
};

/** The subject of a live (unexpired, unrevoked) token, looked up by its digest; undefined without one. */
export async function findLiveTokenSubject(
  db: Database,
  tokenHash: string,
): Promise<LiveTokenSubject | undefined> {
  const [row] = await runFixed(db, LIVE_TOKEN, [tokenHash]);
  if (!row || typeof row['id'] !== 'string') return undefined;
  const common = {
    tokenId: row['token_id'] as string,
    scope: row['scope'] as TokenScope,
    id: row['id'],
    username: row['username'] as string,
    active: row['active'] === true,
  };
  return row['subject_type'] === 'operator'
    ? {
        ...common,
        subjectType: 'operator',
        role: row['role'] as OperatorRole,
        mustChangePassword: row['must_change_password'] === true,
      }
    : { ...common, subjectType: 'cardholder' };
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
