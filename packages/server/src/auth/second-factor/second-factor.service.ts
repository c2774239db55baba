/**
 * Staff second factors: an operator's status, and an admin's list and reset. The factors themselves are in
 * totp.service.ts, passkey.service.ts and recovery-code.service.ts. Every enrolment, use, failure and reset is audited.
 */
import type { OperatorSecondFactors, SecondFactorStatus } from '@cardwarden/contract';
import { AppError } from '../../errors.js';
import { appendAuditEvent } from '../../repositories/audit.repository.js';
import { findOperatorById, findOperatorByUsername } from '../../repositories/operator.repository.js';
import {
  deletePasskeysOf,
  deleteRecoveryCodes,
  deleteTotp,
  findTotp,
  listPasskeys,
  listSecondFactorSummaries,
  listUnusedRecoveryCodes,
} from '../../repositories/second-factor.repository.js';
import { revokeTokensOf } from '../../repositories/token.repository.js';
import { auditActor, type OperatorActor, type ServiceContext } from '../../services/context.js';
import { isSecondFactorRequired, secondFactorRequiredFor } from './policy.js';
import type { Transaction } from '../../db/unit-of-work.js';

export async function secondFactorStatus(
  ctx: ServiceContext,
  actor: OperatorActor,
): Promise<SecondFactorStatus> {
  const totp = await findTotp(ctx.db, actor.id);
  const passkeys = await listPasskeys(ctx.db, actor.id);
  return {
    totp: totp?.confirmed === true,
    passkeys: passkeys.map((p) => ({
      id: p.id,
      label: p.label,
      createdAt: p.createdAt.toISOString(),
      lastUsedAt: p.lastUsedAt?.toISOString() ?? null,
    })),
    recoveryCodesLeft: (await listUnusedRecoveryCodes(ctx.db, actor.id)).length,
    required: await isSecondFactorRequired(ctx.db, actor.role),
  };
}

// ---------------------------------------------------------------- admin

export async function listOperatorSecondFactors(ctx: ServiceContext): Promise<OperatorSecondFactors> {
  const required = await secondFactorRequiredFor(ctx.db);
  const rows = await listSecondFactorSummaries(ctx.db);
  return {
    items: rows.map((row) => ({
      operatorId: row.operatorId,
      username: row.username,
      totp: row.totp,
      passkeys: row.passkeys,
      recoveryCodesLeft: row.recoveryCodesLeft,
      required: required.some((role) => role === row.role),
    })),
  };
}

/** Removes every second factor of an operator and ends their sessions, audited as `second_factor.reset`. */
async function removeAllFactors(
  tx: Transaction,
  operator: { id: string; username: string },
  by: { actor: string; actorType: 'operator' | 'cardholder' | 'system' },
  reason: string,
): Promise<{ totp: boolean; passkeys: number }> {
  const totp = await deleteTotp(tx, operator.id);
  const passkeys = await deletePasskeysOf(tx, operator.id);
  await deleteRecoveryCodes(tx, operator.id);
  await revokeTokensOf(tx, operator.id);
  await appendAuditEvent(tx, {
    ...by,
    action: 'second_factor.reset',
    details: { operator: operator.username, operatorId: operator.id, reason, totp, passkeys },
  });
  return { totp, passkeys };
}

/**
 * An admin removes every second factor of an operator (lost phone, lost key) and ends their sessions.
 * Audited with the reason. Under a policy, the operator is asked to enrol again at the next sign-in.
 */
export async function resetOperatorSecondFactors(
  ctx: ServiceContext,
  tx: Transaction,
  admin: OperatorActor,
  operatorId: string,
  reason: string,
): Promise<void> {
  const operator = await findOperatorById(tx, operatorId);
  if (!operator) throw new AppError('operator.not_found', 'no such operator; reload the list');
  await removeAllFactors(tx, operator, auditActor(admin), reason);
}

/** The same from the command line on the server (`reset-second-factor`), for when no admin can sign in. */
export async function resetSecondFactorsLocally(
  tx: Transaction,
  username: string,
  reason: string,
): Promise<{ username: string; totp: boolean; passkeys: number }> {
  const operator = await findOperatorByUsername(tx, username);
  if (!operator) {
    throw new AppError('operator.not_found', `no staff account is named "${username}"`);
  }
  const removed = await removeAllFactors(
    tx,
    operator,
    { actor: 'reset-second-factor command', actorType: 'system' },
    reason,
  );
  return { username: operator.username, ...removed };
}
