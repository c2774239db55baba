/** Staff second factors: TOTP enrolments, WebAuthn credentials, recovery codes, and limited sessions. */
import { and, asc, count, eq, gt, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import type { Database } from '../db/database.js';
import {
  authTokens,
  operatorPasskeys,
  operatorRecoveryCodes,
  operatorTotp,
  operators,
} from '../db/schema.js';

export interface TotpRecord {
  readonly sealedSecret: string;
  readonly confirmed: boolean;
  readonly lastStep: number | null;
}

export interface PasskeyRecord {
  readonly id: string;
  readonly credentialId: string;
  readonly publicKey: string;
  readonly signCount: number;
  readonly transports: string[];
  readonly label: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
}

export async function findTotp(db: Database, operatorId: string): Promise<TotpRecord | undefined> {
  const [row] = await db
    .select({
      sealedSecret: operatorTotp.sealedSecret,
      confirmedAt: operatorTotp.confirmedAt,
      lastStep: operatorTotp.lastStep,
    })
    .from(operatorTotp)
    .where(eq(operatorTotp.operatorId, operatorId));
  return (
    row && { sealedSecret: row.sealedSecret, confirmed: row.confirmedAt !== null, lastStep: row.lastStep }
  );
}

/** Starts (or restarts) a pending TOTP enrolment; a confirmed one is left alone (returns false). */
export async function putPendingTotp(
  db: Database,
  operatorId: string,
  sealedSecret: string,
): Promise<boolean> {
  const rows = await db
    .insert(operatorTotp)
    .values({ operatorId, sealedSecret })
    .onConflictDoUpdate({
      target: operatorTotp.operatorId,
      set: { sealedSecret, createdAt: sql`now()`, lastStep: null },
      setWhere: isNull(operatorTotp.confirmedAt),
    })
    .returning({ operatorId: operatorTotp.operatorId });
  return rows.length > 0;
}

/**
 * Records that a code for time step `step` was accepted, only if no code for this or a later step was
 * accepted before: one atomic statement, so two requests racing with the same code cannot both win.
 */
export async function acceptTotpStep(
  db: Database,
  operatorId: string,
  step: number,
  confirm: boolean,
): Promise<boolean> {
  const rows = await db
    .update(operatorTotp)
    .set({
      lastStep: step,
      lastUsedAt: sql`now()`,
      ...(confirm ? { confirmedAt: sql`coalesce(${operatorTotp.confirmedAt}, now())` } : {}),
    })
    .where(
      and(
        eq(operatorTotp.operatorId, operatorId),
        or(isNull(operatorTotp.lastStep), lt(operatorTotp.lastStep, step)),
        confirm ? undefined : isNotNull(operatorTotp.confirmedAt),
      ),
    )
    .returning({ operatorId: operatorTotp.operatorId });
  return rows.length > 0;
}

export async function deleteTotp(db: Database, operatorId: string): Promise<boolean> {
  const rows = await db
    .delete(operatorTotp)
    .where(eq(operatorTotp.operatorId, operatorId))
    .returning({ operatorId: operatorTotp.operatorId });
  return rows.length > 0;
}

/** Every sealed TOTP secret, locked for re-sealing under a new KEK. */
export async function listSealedTotpForUpdate(
  db: Database,
): Promise<{ operatorId: string; sealedSecret: string }[]> {
  return db
    .select({ operatorId: operatorTotp.operatorId, sealedSecret: operatorTotp.sealedSecret })
    .from(operatorTotp)
    .for('update');
}

export async function updateSealedTotp(
  db: Database,
  operatorId: string,
  sealedSecret: string,
): Promise<void> {
  await db.update(operatorTotp).set({ sealedSecret }).where(eq(operatorTotp.operatorId, operatorId));
}

const passkeyColumns = {
  id: operatorPasskeys.id,
  credentialId: operatorPasskeys.credentialId,
  publicKey: operatorPasskeys.publicKey,
  signCount: operatorPasskeys.signCount,
  transports: operatorPasskeys.transports,
  label: operatorPasskeys.label,
  createdAt: operatorPasskeys.createdAt,
  lastUsedAt: operatorPasskeys.lastUsedAt,
};

export async function listPasskeys(db: Database, operatorId: string): Promise<PasskeyRecord[]> {
  return db
    .select(passkeyColumns)
    .from(operatorPasskeys)
    .where(eq(operatorPasskeys.operatorId, operatorId))
    .orderBy(asc(operatorPasskeys.createdAt));
}

export async function insertPasskey(
  db: Database,
  passkey: {
    operatorId: string;
    credentialId: string;
    publicKey: string;
    signCount: number;
    transports: string[];
    label: string;
  },
): Promise<PasskeyRecord> {
  const [row] = await db.insert(operatorPasskeys).values(passkey).returning(passkeyColumns);
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function passkeyCredentialExists(db: Database, credentialId: string): Promise<boolean> {
  const [row] = await db
    .select({ n: count() })
    .from(operatorPasskeys)
    .where(eq(operatorPasskeys.credentialId, credentialId));
  return (row?.n ?? 0) > 0;
}

/**
 * Records a verified assertion. The signature counter must grow (when the authenticator keeps one):
 * checked again in the statement, so a cloned authenticator racing the real one is caught.
 */
export async function recordPasskeyUse(
  db: Database,
  id: string,
  previousCount: number,
  newCount: number,
): Promise<boolean> {
  const rows = await db
    .update(operatorPasskeys)
    .set({ signCount: newCount, lastUsedAt: sql`now()` })
    .where(
      and(
        eq(operatorPasskeys.id, id),
        newCount === 0 && previousCount === 0
          ? eq(operatorPasskeys.signCount, 0)
          : lt(operatorPasskeys.signCount, newCount),
      ),
    )
    .returning({ id: operatorPasskeys.id });
  return rows.length > 0;
}

export async function deletePasskey(db: Database, operatorId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(operatorPasskeys)
    .where(and(eq(operatorPasskeys.operatorId, operatorId), eq(operatorPasskeys.id, id)))
    .returning({ id: operatorPasskeys.id });
  return rows.length > 0;
}

export async function deletePasskeysOf(db: Database, operatorId: string): Promise<number> {
  const rows = await db
    .delete(operatorPasskeys)
    .where(eq(operatorPasskeys.operatorId, operatorId))
    .returning({ id: operatorPasskeys.id });
  return rows.length;
}

/** Replaces an operator's recovery codes with these digests. */
export async function replaceRecoveryCodes(
  db: Database,
  operatorId: string,
  codeHashes: readonly string[],
): Promise<void> {
  await db.delete(operatorRecoveryCodes).where(eq(operatorRecoveryCodes.operatorId, operatorId));
  if (codeHashes.length > 0) {
    await db.insert(operatorRecoveryCodes).values(codeHashes.map((codeHash) => ({ operatorId, codeHash })));
  }
}

export async function deleteRecoveryCodes(db: Database, operatorId: string): Promise<number> {
  const rows = await db
    .delete(operatorRecoveryCodes)
    .where(eq(operatorRecoveryCodes.operatorId, operatorId))
    .returning({ id: operatorRecoveryCodes.id });
  return rows.length;
}

export async function listUnusedRecoveryCodes(
  db: Database,
  operatorId: string,
): Promise<{ id: string; codeHash: string }[]> {
  return db
    .select({ id: operatorRecoveryCodes.id, codeHash: operatorRecoveryCodes.codeHash })
    .from(operatorRecoveryCodes)
    .where(and(eq(operatorRecoveryCodes.operatorId, operatorId), isNull(operatorRecoveryCodes.usedAt)));
}

/** Spends a recovery code; false when it was spent already (a concurrent use won). */
export async function spendRecoveryCode(db: Database, id: string): Promise<boolean> {
  const rows = await db
    .update(operatorRecoveryCodes)
    .set({ usedAt: sql`now()` })
    .where(and(eq(operatorRecoveryCodes.id, id), isNull(operatorRecoveryCodes.usedAt)))
    .returning({ id: operatorRecoveryCodes.id });
  return rows.length > 0;
}

/** Per operator: a confirmed TOTP, how many passkeys, how many unused recovery codes. */
export async function listSecondFactorSummaries(db: Database): Promise<
  {
    operatorId: string;
    username: string;
    role: string;
    totp: boolean;
    passkeys: number;
    recoveryCodesLeft: number;
  }[]
> {
  // Qualified by hand: inside a subquery drizzle writes a bare "id", which the inner table would take.
  const operatorId = sql`${sql.identifier('operators')}.${sql.identifier('id')}`;
  return db
    .select({
      operatorId: operators.id,
      username: operators.username,
      role: operators.role,
      totp: sql<boolean>`exists (select 1 from ${operatorTotp} t where t.operator_id = ${operatorId} and t.confirmed_at is not null)`,
      passkeys: sql<number>`(select count(*)::int from ${operatorPasskeys} p where p.operator_id = ${operatorId})`,
      recoveryCodesLeft: sql<number>`(select count(*)::int from ${operatorRecoveryCodes} r where r.operator_id = ${operatorId} and r.used_at is null)`,
    })
    .from(operators)
    .orderBy(asc(sql`lower(${operators.username})`));
}

/** Limited sessions and WebAuthn challenges live on the session's token row. */
export async function setSessionChallenge(db: Database, tokenId: string, challenge: string): Promise<void> {
  await db.update(authTokens).set({ webauthnChallenge: challenge }).where(eq(authTokens.id, tokenId));
}

/** Takes the session's pending challenge (once: a second use finds none). */
export async function takeSessionChallenge(db: Database, tokenId: string): Promise<string | undefined> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ challenge: authTokens.webauthnChallenge })
      .from(authTokens)
      .where(and(eq(authTokens.id, tokenId), gt(authTokens.expiresAt, sql`now()`)))
      .for('update');
    if (!row?.challenge) return undefined;
    await tx.update(authTokens).set({ webauthnChallenge: null }).where(eq(authTokens.id, tokenId));
    return row.challenge;
  });
}
