/** Staff and cardholders as single sign-on finds them. */
import { and, eq, sql } from 'drizzle-orm';
import type { OperatorState, UserState } from '@cardwarden/contract';
import type { Database } from '../db/database.js';
import { operators, users } from '../db/schema.js';
import type { OperatorRole } from './operator.repository.js';

export interface SsoOperator {
  readonly id: string;
  readonly username: string;
  readonly role: OperatorRole;
  readonly state: OperatorState;
  readonly mustChangePassword: boolean;
  readonly ssoSubject: string | null;
}

const operatorColumns = {
  id: operators.id,
  username: operators.username,
  role: operators.role,
  state: operators.state,
  mustChangePassword: operators.mustChangePassword,
  ssoSubject: operators.ssoSubject,
};

/** A password hash that no password matches: SSO staff have no local password. */
export const NO_LOCAL_PASSWORD = '!sso';

export async function findOperatorBySsoSubject(
  db: Database,
  subject: string,
): Promise<SsoOperator | undefined> {
  const [row] = await db.select(operatorColumns).from(operators).where(eq(operators.ssoSubject, subject));
  return row;
}

export async function findOperatorByUsernameForSso(
  db: Database,
  username: string,
): Promise<SsoOperator | undefined> {
  const [row] = await db
    .select(operatorColumns)
    .from(operators)
    .where(sql`lower(${operators.username}) = lower(${username})`);
  return row;
}

export async function insertSsoOperator(
  db: Database,
  operator: { username: string; role: OperatorRole; ssoSubject: string },
): Promise<SsoOperator> {
  const [row] = await db
    .insert(operators)
    .values({ ...operator, passwordHash: NO_LOCAL_PASSWORD })
    .returning(operatorColumns);
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function setSsoOperatorRole(db: Database, id: string, role: OperatorRole): Promise<void> {
  await db
    .update(operators)
    .set({ role, updatedAt: sql`now()` })
    .where(eq(operators.id, id));
}

export interface SsoCardholder {
  readonly id: string;
  readonly username: string;
  readonly state: UserState;
}

const userColumns = { id: users.id, username: users.username, state: users.state };

export async function findCardholdersByUsername(db: Database, username: string): Promise<SsoCardholder[]> {
  return db
    .select(userColumns)
    .from(users)
    .where(sql`lower(${users.username}) = lower(${username})`)
    .limit(2);
}

/** Cardholders with this email (not deleted); more than one means the email names no one for sure. */
export async function findCardholdersByEmail(db: Database, email: string): Promise<SsoCardholder[]> {
  return db
    .select(userColumns)
    .from(users)
    .where(and(sql`lower(${users.email}) = lower(${email})`, sql`${users.state} <> 'deleted'`))
    .limit(2);
}
