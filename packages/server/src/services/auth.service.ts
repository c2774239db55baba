/** Sign-in for operators and cardholders, and bearer-token authentication. */
import { randomToken, sha256Hex } from '@cardwarden/protocol/crypto';
import type { AccountSource, LoginResponse, Me } from '@cardwarden/contract';
import { AppError } from '../errors.js';
import { verifyPassword } from '../auth/password.js';
import { appendAuditEvent } from '../repositories/audit.repository.js';
import { findOperatorById, findOperatorCredentials } from '../repositories/operator.repository.js';
import { checkRateLimit } from './rate-limit-check.js';
import {
  clearSignInThrottle,
  recordSignInFailure,
  signInWait,
} from '../repositories/sign-in-throttle.repository.js';
import { addressKey } from './address-key.js';
import {
  findLiveTokenSubject,
  insertToken,
  revokeToken,
  type SubjectType,
} from '../repositories/token.repository.js';
import { findUserPasswordHash } from '../repositories/user.repository.js';
import type { Actor, OperatorActor, ServiceContext } from './context.js';
import { DirectoryUnavailable } from '../directory/ldap-directory.js';
import { issueOperatorSession } from '../auth/second-factor/session.js';

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
  // Cheap refusals first: the address's ceiling (remembered once reached), then the account's wait;
  // only then the account look-up and the argon2 verification (bounded by its own gate).
  const perAddress = await checkRateLimit(
    ctx.db,
    `login:address:${client}`,
    LOGIN_LIMITS.windowSeconds,
    LOGIN_LIMITS.perAddress,
  );
  if (!perAddress.allowed) {
    throw new AppError(
      'auth.rate_limited',
      `too many sign-in attempts from your address; wait ${Math.ceil(perAddress.retryAfter / 60)} minutes and try again`,
      { retryAfter: perAddress.retryAfter },
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

export async function issueToken(
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
 * Checks a directory account's password by binding to the directory as that entry. The entry must be the
 * same one the account was synced from (same stable id), so a new entry that takes an old username
 * cannot sign in as someone else. Undefined: wrong password, or not that entry. An outage is a 503.
 */
async function verifyDirectoryPassword(
  ctx: ServiceContext,
  account: { username: string; directoryId: string | null },
  password: string,
): Promise<{ valid: boolean; disabled: boolean }> {
  if (!ctx.directory || account.directoryId === null) return { valid: false, disabled: false };
  let entry;
  try {
    entry = await ctx.directory.ldap.verifyPassword(account.username, password);
  } catch (error) {
    if (error instanceof DirectoryUnavailable) {
      throw new AppError(
        'directory.unavailable',
        'sign-in with the directory password is not possible right now: the directory cannot be reached. Try again in a few minutes',
      );
    }
    throw error;
  }
  if (entry?.id !== account.directoryId) return { valid: false, disabled: false };
  return { valid: true, disabled: entry.disabled };
}

/** A password check: the directory's for directory accounts, the local hash for the others. */
async function checkPassword(
  ctx: ServiceContext,
  account:
    | {
        username: string;
        source: AccountSource;
        directoryId: string | null;
        passwordHash: string | null;
      }
    | undefined,
  password: string,
): Promise<{ valid: boolean; disabled: boolean }> {
  if (account?.source === 'directory') return verifyDirectoryPassword(ctx, account, password);
  return { valid: await verifyPassword(account?.passwordHash, password), disabled: false };
}

/** A failed sign-in: counted against the account and address, audited, answered uniformly. */
async function refuseSignIn(
  ctx: ServiceContext,
  accountKey: string,
  actor: string,
  details: { address: string; portal: 'operator' | 'self-service' },
): Promise<never> {
  await recordSignInFailure(ctx.db, accountKey, LOGIN_LIMITS.freeFailures, LOGIN_LIMITS.maxDelaySeconds);
  await appendAuditEvent(ctx.db, { actor, actorType: 'anonymous', action: 'auth.login_failed', details });
  throw new AppError('auth.invalid_credentials', INVALID);
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
  const checked = await checkPassword(ctx, operator, credentials.password);
  const valid = checked.valid && !checked.disabled;
  if (!operator || !valid || operator.state !== 'active') {
    return refuseSignIn(ctx, accountKey, failedActor(ctx, operator?.username, credentials.username), {
      address,
      portal: 'operator',
    });
  }
  await clearSignInThrottle(ctx.db, accountKey);
  await appendAuditEvent(ctx.db, {
    actor: operator.username,
    actorType: 'operator',
    action: 'auth.login',
    details: {
      address,
      ...(operator.mustChangePassword ? { oneTimePassword: true } : {}),
      ...(operator.source === 'directory' ? { via: 'directory' } : {}),
    },
  });
  // Issue the session after the password check (a second factor may still be owed).
  return issueOperatorSession(ctx, operator);
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
  const accountKey = await checkThrottle(ctx, 'cardholder', credentials.username, address);
  const user = await findUserPasswordHash(ctx.db, credentials.username);
  const checked = await checkPassword(ctx, user, credentials.password);
  const valid = checked.valid;
  // Disabled in the directory but not yet synced: the same answer as a suspended account.
  if (user && valid && (user.state === 'suspended' || checked.disabled)) {
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
    return refuseSignIn(ctx, accountKey, failedActor(ctx, user?.username, credentials.username), {
      address,
      portal: 'self-service',
    });
  }
  await clearSignInThrottle(ctx.db, accountKey);
  await appendAuditEvent(ctx.db, {
    actor: user.username,
    actorType: 'cardholder',
    action: 'auth.login',
    userId: user.id,
    details: { address, ...(user.source === 'directory' ? { via: 'directory' } : {}) },
  });
  return issueToken(ctx, 'cardholder', user.id, false);
}

/**
 * The actor behind a bearer token, or undefined when the token is unknown, expired, revoked or its owner
 * inactive. `mustChangePassword`: the operator signed in with a one-time password. `secondFactorPending`:
 * a limited session, password proven but second factor not yet.
 */
export async function authenticate(
  ctx: ServiceContext,
  token: string,
): Promise<
  { actor: Actor; tokenId: string; mustChangePassword: boolean; secondFactorPending?: boolean } | undefined
> {
  // One statement: the token and its subject's state together.
  const found = await findLiveTokenSubject(ctx.db, sha256Hex(token));
  if (!found?.active) return undefined;
  if (found.subjectType === 'operator') {
    return {
      actor: { type: 'operator', id: found.id, username: found.username, role: found.role },
      tokenId: found.tokenId,
      mustChangePassword: found.mustChangePassword,
      secondFactorPending: found.scope === 'second_factor',
    };
  }
  return {
    actor: { type: 'cardholder', id: found.id, username: found.username },
    tokenId: found.tokenId,
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
