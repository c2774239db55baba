/** Sign-in for operators and cardholders, and bearer-token authentication. */
import { randomToken, sha256Hex } from '@cardwarden/protocol/crypto';
import type { LoginResponse } from '@cardwarden/contract';
import { AppError } from '../errors.js';
import { verifyPassword } from '../auth/password.js';
import { appendAuditEvent } from '../repositories/audit.repository.js';
import { findOperatorById, findOperatorCredentials } from '../repositories/operator.repository.js';
import { hitRateLimit } from '../repositories/rate-limit.repository.js';
import {
  clearSignInThrottle,
  recordSignInFailure,
  signInWait,
} from '../repositories/sign-in-throttle.repository.js';
import { addressKey } from './address-key.js';
import {
  findLiveToken,
  insertToken,
  revokeToken,
  type SubjectType,
} from '../repositories/token.repository.js';
import { findUserById, findUserPasswordHash } from '../repositories/user.repository.js';
import type { Actor, ServiceContext } from './context.js';

/**
 * Sign-in limits. Per account AND client address: a few free failures, then each failure doubles the wait
 * before that address may try that account again (at most 15 minutes), so wrong passwords from one
 * address never lock the account for anyone else. Per address: a ceiling over all accounts.
 */
export const LOGIN_LIMITS = {
  freeFailures: 3,
  maxDelaySeconds: 15 * 60,
  perAddress: 100,
  windowSeconds: 15 * 60,
} as const;

const INVALID = 'the username or password is wrong';

function rateLimited(seconds: number): AppError {
  return new AppError(
    'auth.rate_limited',
    `too many failed sign-ins for this account from your address; wait ${seconds} second${seconds === 1 ? '' : 's'} and try again`,
    { retryAfter: seconds },
  );
}

/** Refuses while the account+address pair must wait; returns its throttle key. */
async function checkThrottle(
  ctx: ServiceContext,
  kind: SubjectType,
  username: string,
  address: string,
): Promise<string> {
  const client = addressKey(address);
  const perAddress = await hitRateLimit(ctx.db, `login:address:${client}`, LOGIN_LIMITS.windowSeconds);
  if (perAddress > LOGIN_LIMITS.perAddress) {
    throw new AppError(
      'auth.rate_limited',
      'too many sign-in attempts from your address; wait 15 minutes and try again',
      { retryAfter: LOGIN_LIMITS.windowSeconds },
    );
  }
  // A digest: what was typed as a username may be a password.
  const key = `login:${kind}:${ctx.keys.identifierDigest(username.toLowerCase())}:${client}`;
  const wait = await signInWait(ctx.db, key);
  if (wait > 0) throw rateLimited(wait);
  return key;
}

/**
 * Who a failed sign-in was for, as the audit may show it: the account's name when it exists, else a keyed
 * digest, since what was typed into the username field may be a password.
 */
function failedActor(ctx: ServiceContext, knownUsername: string | undefined, typed: string): string {
  return knownUsername ?? `unknown:${ctx.keys.identifierDigest(typed.toLowerCase())}`;
}

async function issueToken(
  ctx: ServiceContext,
  subjectType: SubjectType,
  subjectId: string,
): Promise<LoginResponse> {
  const token = randomToken();
  const expiresAt = new Date(Date.now() + ctx.sessionHours * 3_600_000);
  await insertToken(ctx.db, { tokenHash: sha256Hex(token), subjectType, subjectId, expiresAt });
  return { token, expiresAt: expiresAt.toISOString() };
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
  const accountKey = await checkThrottle(ctx, 'operator', credentials.username, address);
  const operator = await findOperatorCredentials(ctx.db, credentials.username);
  const valid = await verifyPassword(operator?.passwordHash, credentials.password);
  if (!operator || !valid || operator.state !== 'active') {
    await recordSignInFailure(ctx.db, accountKey, LOGIN_LIMITS.freeFailures, LOGIN_LIMITS.maxDelaySeconds);
    await appendAuditEvent(ctx.db, {
      actor: failedActor(ctx, operator?.username, credentials.username),
      actorType: 'anonymous',
      action: 'auth.login_failed',
      details: { address, portal: 'operator' },
    });
    throw new AppError('auth.invalid_credentials', INVALID);
  }
  await clearSignInThrottle(ctx.db, accountKey);
  await appendAuditEvent(ctx.db, {
    actor: operator.username,
    actorType: 'operator',
    action: 'auth.login',
    details: { address },
  });
  return issueToken(ctx, 'operator', operator.id);
}

/** Signs a cardholder in to self-service with the password an admin set. */
export async function loginCardholder(
  ctx: ServiceContext,
  credentials: { username: string; password: string },
  address: string,
): Promise<LoginResponse> {
  const accountKey = await checkThrottle(ctx, 'cardholder', credentials.username, address);
  const user = await findUserPasswordHash(ctx.db, credentials.username);
  const valid = await verifyPassword(user?.passwordHash, credentials.password);
  if (!user || !valid || user.state !== 'active') {
    await recordSignInFailure(ctx.db, accountKey, LOGIN_LIMITS.freeFailures, LOGIN_LIMITS.maxDelaySeconds);
    await appendAuditEvent(ctx.db, {
      actor: failedActor(ctx, user?.username, credentials.username),
      actorType: 'anonymous',
      action: 'auth.login_failed',
      details: { address, portal: 'self-service' },
    });
    throw new AppError('auth.invalid_credentials', INVALID);
  }
  await clearSignInThrottle(ctx.db, accountKey);
  await appendAuditEvent(ctx.db, {
    actor: user.username,
    actorType: 'cardholder',
    action: 'auth.login',
    userId: user.id,
    details: { address },
  });
  return issueToken(ctx, 'cardholder', user.id);
}

/** The actor behind a bearer token, or undefined when the token is unknown, expired, revoked or its owner inactive. */
export async function authenticate(
  ctx: ServiceContext,
  token: string,
): Promise<{ actor: Actor; tokenId: string } | undefined> {
  const found = await findLiveToken(ctx.db, sha256Hex(token));
  if (!found) return undefined;
  if (found.subjectType === 'operator') {
    const operator = await findOperatorById(ctx.db, found.subjectId);
    if (operator?.state !== 'active') return undefined;
    return {
      actor: { type: 'operator', id: operator.id, username: operator.username, role: operator.role },
      tokenId: found.id,
    };
  }
  const user = await findUserById(ctx.db, found.subjectId);
  if (user?.state !== 'active') return undefined;
  return { actor: { type: 'cardholder', id: user.id, username: user.username }, tokenId: found.id };
}

export async function logout(ctx: ServiceContext, tokenId: string): Promise<void> {
  await revokeToken(ctx.db, tokenId);
}
