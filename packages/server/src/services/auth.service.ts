/** Sign-in for operators and cardholders, and bearer-token authentication. */
import { randomToken, sha256Hex } from '@cardwarden/protocol/crypto';
import type { LoginResponse, Me } from '@cardwarden/contract';
import { AppError } from '../errors.js';
import { verifyPassword } from '../auth/password.js';
import { appendAuditEvent } from '../repositories/audit.repository.js';
import { findOperatorById, findOperatorCredentials } from '../repositories/operator.repository.js';
import { clearRateLimit, hitRateLimit } from '../repositories/rate-limit.repository.js';
import {
  findLiveToken,
  insertToken,
  revokeToken,
  type SubjectType,
} from '../repositories/token.repository.js';
import { findUserById, findUserPasswordHash } from '../repositories/user.repository.js';
import type { Actor, OperatorActor, ServiceContext } from './context.js';

/** Sign-in attempts allowed per account and per client address in one window. */
export const LOGIN_LIMITS = { perAccount: 10, perAddress: 100, windowSeconds: 15 * 60 } as const;

const INVALID = 'the username or password is wrong';

async function countAttempt(
  ctx: ServiceContext,
  kind: SubjectType,
  username: string,
  address: string,
): Promise<string> {
  const accountKey = `login:${kind}:${username.toLowerCase()}`;
  const [perAccount, perAddress] = await Promise.all([
    hitRateLimit(ctx.db, accountKey, LOGIN_LIMITS.windowSeconds),
    hitRateLimit(ctx.db, `login:address:${address}`, LOGIN_LIMITS.windowSeconds),
  ]);
  if (perAccount > LOGIN_LIMITS.perAccount || perAddress > LOGIN_LIMITS.perAddress) {
    throw new AppError('auth.rate_limited', 'too many sign-in attempts; wait 15 minutes and try again');
  }
  return accountKey;
}

async function issueToken(
  ctx: ServiceContext,
  subjectType: SubjectType,
  subjectId: string,
  mustChangePassword: boolean,
): Promise<LoginResponse> {
  const token = randomToken();
  const expiresAt = new Date(Date.now() + ctx.sessionHours * 3_600_000);
  await insertToken(ctx.db, { tokenHash: sha256Hex(token), subjectType, subjectId, expiresAt });
  return { token, expiresAt: expiresAt.toISOString(), mustChangePassword };
}

/**
 * Signs an operator in. Unknown user, wrong password and disabled account give the same answer, in
 * the same time, so that sign-in does not reveal which accounts exist.
 */
export async function loginOperator(
  ctx: ServiceContext,
  credentials: { username: string; password: string },
  address: string,
): Promise<LoginResponse> {
  const accountKey = await countAttempt(ctx, 'operator', credentials.username, address);
  const operator = await findOperatorCredentials(ctx.db, credentials.username);
  const valid = await verifyPassword(operator?.passwordHash, credentials.password);
  if (!operator || !valid || operator.state !== 'active') {
    await appendAuditEvent(ctx.db, {
      actor: credentials.username.slice(0, 100),
      actorType: 'anonymous',
      action: 'auth.login_failed',
      details: { address, portal: 'operator' },
    });
    throw new AppError('auth.invalid_credentials', INVALID);
  }
  await clearRateLimit(ctx.db, accountKey);
  await appendAuditEvent(ctx.db, {
    actor: operator.username,
    actorType: 'operator',
    action: 'auth.login',
    details: { address, ...(operator.mustChangePassword ? { oneTimePassword: true } : {}) },
  });
  return issueToken(ctx, 'operator', operator.id, operator.mustChangePassword);
}

/**
 * Signs a cardholder in to self-service with the password an admin set. A suspended cardholder who
 * typed the right password is told the account is suspended (only after the password is verified, so
 * this tells nothing to someone guessing); anything else wrong gives the uniform answer.
 */
export async function loginCardholder(
  ctx: ServiceContext,
  credentials: { username: string; password: string },
  address: string,
): Promise<LoginResponse> {
  const accountKey = await countAttempt(ctx, 'cardholder', credentials.username, address);
  const user = await findUserPasswordHash(ctx.db, credentials.username);
  const valid = await verifyPassword(user?.passwordHash, credentials.password);
  if (user && valid && user.state === 'suspended') {
    await appendAuditEvent(ctx.db, {
      actor: user.username,
      actorType: 'cardholder',
      action: 'auth.login_refused',
      userId: user.id,
      details: { address, portal: 'self-service', reason: 'suspended' },
    });
    throw new AppError(
      'self_service.account_suspended',
      'your account is suspended: contact your administrator, who can reactivate it',
    );
  }
  if (!user || !valid || user.state !== 'active') {
    await appendAuditEvent(ctx.db, {
      actor: credentials.username.slice(0, 100),
      actorType: 'anonymous',
      action: 'auth.login_failed',
      details: { address, portal: 'self-service' },
    });
    throw new AppError('auth.invalid_credentials', INVALID);
  }
  await clearRateLimit(ctx.db, accountKey);
  await appendAuditEvent(ctx.db, {
    actor: user.username,
    actorType: 'cardholder',
    action: 'auth.login',
    userId: user.id,
    details: { address },
  });
  return issueToken(ctx, 'cardholder', user.id, false);
}

/**
 * The actor behind a bearer token, or undefined when the token is unknown, expired, revoked or its owner
 * inactive. `mustChangePassword`: the operator signed in with a one-time password.
 */
export async function authenticate(
  ctx: ServiceContext,
  token: string,
): Promise<{ actor: Actor; tokenId: string; mustChangePassword: boolean } | undefined> {
  const found = await findLiveToken(ctx.db, sha256Hex(token));
  if (!found) return undefined;
  if (found.subjectType === 'operator') {
    const operator = await findOperatorById(ctx.db, found.subjectId);
    if (operator?.state !== 'active') return undefined;
    return {
      actor: { type: 'operator', id: operator.id, username: operator.username, role: operator.role },
      tokenId: found.id,
      mustChangePassword: operator.mustChangePassword,
    };
  }
  const user = await findUserById(ctx.db, found.subjectId);
  if (user?.state !== 'active') return undefined;
  return {
    actor: { type: 'cardholder', id: user.id, username: user.username },
    tokenId: found.id,
    mustChangePassword: false,
  };
}

export async function logout(ctx: ServiceContext, tokenId: string): Promise<void> {
  await revokeToken(ctx.db, tokenId);
}

/** The signed-in operator, and whether a one-time password must be changed first. */
export async function whoAmI(ctx: ServiceContext, actor: OperatorActor): Promise<Me> {
  const operator = await findOperatorById(ctx.db, actor.id);
  if (!operator) throw new AppError('auth.unauthenticated', 'sign in again');
  return {
    id: operator.id,
    username: operator.username,
    role: operator.role,
    mustChangePassword: operator.mustChangePassword,
  };
}
