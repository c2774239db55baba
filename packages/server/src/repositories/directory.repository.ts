/** Rows that directory sync reads and writes: directory users and directory staff accounts. */
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { AccountSource } from '@cardwarden/contract';
import type { Database } from '../db/database.js';
import { auditEvents, authTokens, operators, users } from '../db/schema.js';
import type { OperatorRole, OperatorState } from './operator.repository.js';
import type { UserState } from './user.repository.js';

export interface SyncedUserRow {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly email: string;
  readonly state: UserState;
  readonly source: AccountSource;
  readonly directoryId: string | null;
  readonly suspendedByDirectory: boolean;
}

export interface SyncedOperatorRow {
  readonly id: string;
  readonly username: string;
  readonly role: OperatorRole;
  readonly state: OperatorState;
  readonly source: AccountSource;
  readonly directoryId: string | null;
}

/** Every user (10,000 rows are a few megabytes): the sync matches on directory id, then username. */
export async function listUsersForSync(db: Database): Promise<SyncedUserRow[]> {
  return db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      email: users.email,
      state: users.state,
      source: users.source,
      directoryId: users.directoryId,
      suspendedByDirectory: users.suspendedByDirectory,
    })
    .from(users);
}

export async function listOperatorsForSync(db: Database): Promise<SyncedOperatorRow[]> {
  return db
    .select({
      id: operators.id,
      username: operators.username,
      role: operators.role,
      state: operators.state,
      source: operators.source,
      directoryId: operators.directoryId,
    })
    .from(operators);
}

export interface NewDirectoryUser {
  readonly username: string;
  readonly displayName: string;
  readonly email: string;
  readonly state: UserState;
  readonly directoryId: string;
  readonly suspendedByDirectory: boolean;
}

/** Inserts in chunks (one statement per 500 rows); returns the new ids by directory id. */
export async function insertDirectoryUsers(
  db: Database,
  rows: readonly NewDirectoryUser[],
): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (let start = 0; start < rows.length; start += 500) {
    const chunk = rows.slice(start, start + 500).map((row) => ({ ...row, source: 'directory' as const }));
    const inserted = await db
      .insert(users)
      .values(chunk)
      .returning({ id: users.id, directoryId: users.directoryId });
    for (const row of inserted) if (row.directoryId) ids.set(row.directoryId, row.id);
  }
  return ids;
}

export async function updateDirectoryUser(
  db: Database,
  id: string,
  changes: Partial<Omit<NewDirectoryUser, 'directoryId'>> & { directoryId?: string; source?: 'directory' },
): Promise<void> {
  await db
    .update(users)
    .set({ ...changes, updatedAt: sql`now()` })
    .where(eq(users.id, id));
}

export async function insertDirectoryOperator(
  db: Database,
  row: { username: string; role: OperatorRole; directoryId: string },
): Promise<string> {
  // Directory staff sign in with the directory password: the local hash is a value no password matches.
  const [inserted] = await db
    .insert(operators)
    .values({ ...row, passwordHash: '!directory', source: 'directory' })
    .returning({ id: operators.id });
  if (!inserted) throw new Error('insert returned no row');
  return inserted.id;
}

export async function updateDirectoryOperator(
  db: Database,
  id: string,
  changes: { username?: string; role?: OperatorRole; state?: OperatorState },
): Promise<void> {
  await db
    .update(operators)
    .set({ ...changes, updatedAt: sql`now()` })
    .where(eq(operators.id, id));
}

/** Revokes the sessions of many subjects at once. */
export async function revokeTokensOfMany(db: Database, subjectIds: readonly string[]): Promise<void> {
  if (subjectIds.length === 0) return;
  for (let start = 0; start < subjectIds.length; start += 500) {
    await db
      .update(authTokens)
      .set({ revokedAt: sql`now()` })
      .where(
        and(
          inArray(authTokens.subjectId, subjectIds.slice(start, start + 500)),
          isNull(authTokens.revokedAt),
        ),
      );
  }
}

/**
 * Serialises syncs across server instances sharing one PostgreSQL database, until the transaction ends.
 * The key is a fixed number: "cardwarden directory sync".
 */
export async function lockDirectorySync(db: Database): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(7261000013)`);
}

/** How many cardholders and staff accounts came from the directory, and how many are local. */
export async function countAccountSources(db: Database): Promise<{
  users: { directory: number; local: number };
  operators: { directory: number; local: number };
}> {
  const count = async (table: typeof users | typeof operators) => {
    const rows = await db
      .select({ source: table.source, n: sql<number>`count(*)::int` })
      .from(table)
      .groupBy(table.source);
    const of = (source: string) => rows.find((row) => row.source === source)?.n ?? 0;
    return { directory: of('directory'), local: of('local') };
  };
  return { users: await count(users), operators: await count(operators) };
}

/** The newest completed sync of any instance, from the audit trail (details hold its counts). */
export async function lastCompletedSync(
  db: Database,
): Promise<{ at: Date; actor: string; actorType: string; details: Record<string, unknown> } | undefined> {
  const [row] = await db
    .select({
      at: auditEvents.at,
      actor: auditEvents.actor,
      actorType: auditEvents.actorType,
      details: auditEvents.details,
    })
    .from(auditEvents)
    .where(eq(auditEvents.action, 'directory.sync_completed'))
    .orderBy(desc(auditEvents.seq))
    .limit(1);
  return row;
}
