/**
 * Changing passwords: one's own (staff and cardholders), an admin's reset of an operator's, and the
 * `reset-password` command's recovery of a staff account when no admin can sign in.
 */
import { api, routeKey } from '@cardwarden/contract';
import { AppError } from '../errors.js';
import { generatePassword } from '../auth/generated-password.js';
import { hashPassword, verifyPassword } from '../auth/password.js';
import type { Database } from '../db/database.js';
import { appendAuditEvent } from '../repositories/audit.repository.js';
import {
  findOperatorByUsername,
  findOperatorCredentialsById,
  updateOperator,
} from '../repositories/operator.repository.js';
import { hitRateLimit } from '../repositories/rate-limit.repository.js';
import { revokeOtherTokensOf, revokeTokensOf } from '../repositories/token.repository.js';
import { findUserById, findUserPasswordHash, setUserPasswordHash } from '../repositories/user.repository.js';
import { auditActor, type Actor, type OperatorActor, type ServiceContext } from './context.js';
import type { UnitOfWork } from '../db/unit-of-work.js';

/** Wrong current passwords allowed per account in one window: a stolen session must not become a guessing oracle. */
export const PASSWORD_CHANGE_LIMITS = { perAccount: 10, windowSeconds: 15 * 60 } as const;

async function currentHashOf(db: Database, actor: Actor): Promise<string | null | undefined> {
  if (actor.type === 'operator') return (await findOperatorCredentialsById(db, actor.id))?.passwordHash;
  const user = await findUserById(db, actor.id);
  return user ? (await findUserPasswordHash(db, user.username))?.passwordHash : undefined;
}

function directoryPassword(code: 'operator.directory_managed' | 'user.directory_managed'): AppError {
  return new AppError(
    code,
    'this account signs in with its directory password: change it in the directory (Active Directory / LDAP)',
  );
}

/** Directory accounts have no local password to change. */
async function refuseDirectoryAccount(db: Database, actor: Actor): Promise<void> {
  if (actor.type === 'operator') {
    if ((await findOperatorCredentialsById(db, actor.id))?.source === 'directory')
      throw directoryPassword('operator.directory_managed');
  } else if ((await findUserById(db, actor.id))?.source === 'directory') {
    throw directoryPassword('user.directory_managed');
  }
}

/**
 * Changes the actor's own password after checking the current one, and ends the actor's other sessions
 * (the one that asked stays signed in). A one-time password stops being one.
 */
export async function changeOwnPassword(
  ctx: ServiceContext,
  uow: UnitOfWork,
  actor: Actor,
  tokenId: string,
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  await refuseDirectoryAccount(ctx.db, actor);
  const attempts = await hitRateLimit(
    ctx.db,
    `password-change:${actor.type}:${actor.id}`,
    PASSWORD_CHANGE_LIMITS.windowSeconds,
  );
  if (attempts > PASSWORD_CHANGE_LIMITS.perAccount) {
    throw new AppError('auth.rate_limited', 'too many tries to change the password; wait 15 minutes');
  }
  if (!(await verifyPassword(await currentHashOf(ctx.db, actor), input.currentPassword, 'signed-in'))) {
    await appendAuditEvent(ctx.db, {
      ...auditActor(actor),
      action: 'auth.password_change_failed',
      ...(actor.type === 'cardholder' ? { userId: actor.id } : {}),
    });
    throw new AppError(
      'auth.wrong_password',
      'the current password is not right: type the password you signed in with',
    );
  }
  if (input.newPassword === input.currentPassword) {
    throw new AppError('auth.password_too_weak', 'choose a new password, not the current one');
  }
  const passwordHash = await hashPassword(input.newPassword);
  await uow(async (tx) => {
    if (actor.type === 'operator') {
      await updateOperator(tx, actor.id, { passwordHash, mustChangePassword: false });
    } else {
      await setUserPasswordHash(tx, actor.id, passwordHash);
    }
    await revokeOtherTokensOf(tx, actor.id, tokenId);
    await appendAuditEvent(tx, {
      ...auditActor(actor),
      action: 'auth.password_changed',
      ...(actor.type === 'cardholder' ? { userId: actor.id } : {}),
    });
  });
}

/**
 * An admin gives another operator a generated one-time password: it signs in, and then only lets the
 * operator choose a new password. Ends that operator's sessions. The password is returned once.
 */
export async function resetOperatorPassword(
  ctx: ServiceContext,
  uow: UnitOfWork,
  actor: OperatorActor,
  id: string,
): Promise<{ oneTimePassword: string }> {
  if (id === actor.id) {
    throw new AppError(
      'auth.forbidden',
      `to change your own password use Change password (${routeKey(api.auth.changePassword)})`,
    );
  }
  const oneTimePassword = generatePassword();
  const passwordHash = await hashPassword(oneTimePassword);
  await uow(async (tx) => {
    const operator = await findOperatorCredentialsById(tx, id);
    if (!operator) throw new AppError('operator.not_found', 'no operator has that id');
    if (operator.source === 'directory') throw directoryPassword('operator.directory_managed');
    await updateOperator(tx, id, { passwordHash, mustChangePassword: true });
    await revokeTokensOf(tx, id);
    await appendAuditEvent(tx, {
      ...auditActor(actor),
      action: 'operator.password_reset',
      details: { operator: operator.username, oneTimePassword: true },
    });
  });
  return { oneTimePassword };
}

/** Who runs the `reset-password` command, as the audit trail names it. */
export const LOCAL_COMMAND_ACTOR = 'reset-password command';

/**
 * Recovery from the server's own machine (`npm run reset-password -- USERNAME`): a generated password
 * for a staff account, not a one-time one (whoever runs it may be the only admin left). Ends the
 * account's sessions.
 */
export async function resetPasswordLocally(
  uow: UnitOfWork,
  username: string,
): Promise<{ username: string; password: string; state: string }> {
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  return uow(async (tx) => {
    const operator = await findOperatorByUsername(tx, username);
    if (!operator) {
      throw new AppError(
        'operator.not_found',
        `no staff account is named "${username}" (cardholders' self-service passwords are set in the admin console)`,
      );
    }
    await updateOperator(tx, operator.id, { passwordHash, mustChangePassword: false });
    await revokeTokensOf(tx, operator.id);
    await appendAuditEvent(tx, {
      actor: LOCAL_COMMAND_ACTOR,
      actorType: 'system',
      action: 'operator.password_reset',
      details: { operator: operator.username, local: true },
    });
    return { username: operator.username, password, state: operator.state };
  });
}
