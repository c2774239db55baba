import { and, count, eq, ne, sql } from 'drizzle-orm';
import type { AccountSource, OperatorRole, OperatorState } from '@cardwarden/contract';
import type { Database } from '../db/database.js';
import { operators } from '../db/schema.js';

export type { OperatorRole, OperatorState } from '@cardwarden/contract';

export interface OperatorRecord {
  readonly id: string;
  readonly username: string;
  readonly role: OperatorRole;
  readonly state: OperatorState;
  /** The password is a one-time one an admin reset: only changing it is allowed. */
  readonly mustChangePassword: boolean;
  /** 'directory': signs in with the directory password; the role follows directory groups. */
  readonly source: AccountSource;
  readonly directoryId: string | null;
  /** Set once the account has signed in with single sign-on (issuer and subject). */
  readonly ssoSubject: string | null;
  readonly createdAt: Date;
}

const columns = {
  id: operators.id,
  username: operators.username,
  role: operators.role,
  state: operators.state,
  mustChangePassword: operators.mustChangePassword,
  source: operators.source,
  directoryId: operators.directoryId,
  ssoSubject: operators.ssoSubject,
  createdAt: operators.createdAt,
};

/** Arbitrary constant naming the first-admin bootstrap among PostgreSQL advisory locks. */
const BOOTSTRAP_LOCK_ID = 0x626f6f74;

/**
 * Serialises the first-admin bootstrap between instances that start together, until `tx` ends.
 * Call inside a transaction.
 */
export async function lockOperatorBootstrap(tx: Database): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${BOOTSTRAP_LOCK_ID})`);
}

export async function countOperators(db: Database): Promise<number> {
  const [row] = await db.select({ n: count() }).from(operators);
  return row?.n ?? 0;
}

export async function insertOperator(
  db: Database,
  operator: { username: string; passwordHash: string; role: OperatorRole },
): Promise<OperatorRecord> {
  const [row] = await db.insert(operators).values(operator).returning(columns);
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function findOperatorById(db: Database, id: string): Promise<OperatorRecord | undefined> {
  const [row] = await db.select(columns).from(operators).where(eq(operators.id, id));
  return row;
}

/** The credentials of the operator with this id (for checking a current password). */
export async function findOperatorCredentialsById(
  db: Database,
  id: string,
): Promise<(OperatorRecord & { passwordHash: string }) | undefined> {
  const [row] = await db
    .select({ ...columns, passwordHash: operators.passwordHash })
    .from(operators)
    .where(eq(operators.id, id));
  return row;
}

export async function findOperatorByUsername(
  db: Database,
  username: string,
): Promise<OperatorRecord | undefined> {
  const [row] = await db
    .select(columns)
    .from(operators)
    .where(sql`lower(${operators.username}) = lower(${username})`);
  return row;
}

export async function findOperatorCredentials(
  db: Database,
  username: string,
): Promise<(OperatorRecord & { passwordHash: string }) | undefined> {
  const [row] = await db
    .select({ ...columns, passwordHash: operators.passwordHash })
    .from(operators)
    .where(sql`lower(${operators.username}) = lower(${username})`);
  return row;
}

export async function listOperators(db: Database): Promise<OperatorRecord[]> {
  return db.select(columns).from(operators).orderBy(operators.username);
}

/** Active admins other than `exceptId`: an update must never leave the system without one. */
export async function countOtherActiveAdmins(db: Database, exceptId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(operators)
    .where(and(eq(operators.role, 'admin'), eq(operators.state, 'active'), ne(operators.id, exceptId)));
  return row?.n ?? 0;
}

export async function updateOperator(
  db: Database,
  id: string,
  changes: {
    role?: OperatorRole | undefined;
    state?: OperatorState | undefined;
    passwordHash?: string | undefined;
    mustChangePassword?: boolean | undefined;
  },
): Promise<boolean> {
  const rows = await db
    .update(operators)
    .set({ ...changes, updatedAt: sql`now()` })
    .where(eq(operators.id, id))
    .returning({ id: operators.id });
  return rows.length > 0;
}
