/** The steps every second-factor flow shares: its throttle, failures, enrolment rules and the session upgrade. */
import type { EnrolmentResult, LoginResponse } from '@cardwarden/contract';
import { AppError } from '../../errors.js';
import { appendAuditEvent } from '../../repositories/audit.repository.js';
import { findOperatorById } from '../../repositories/operator.repository.js';
import { hitRateLimit } from '../../repositories/rate-limit.repository.js';
import {
  listUnusedRecoveryCodes,
  replaceRecoveryCodes,
} from '../../repositories/second-factor.repository.js';
import { recordSignInFailure, signInWait } from '../../repositories/sign-in-throttle.repository.js';
import { revokeToken } from '../../repositories/token.repository.js';
import { addressKey } from '../../services/address-key.js';
import { LOGIN_LIMITS } from '../../services/auth.service.js';
import { auditActor, type OperatorActor, type ServiceContext } from '../../services/context.js';
import { isSecondFactorRequired } from './policy.js';
import { newRecoveryCodes } from './recovery-codes.js';
import { enrolledMethods, issueOperatorToken, type SecondFactorMethod } from './session.js';

/** The session a request runs in: its token, and whether it is a limited one (second factor owed). */
export interface SessionRef {
  readonly tokenId: string;
  readonly pending: boolean;
  readonly address: string;
}

// ---------------------------------------------------------------- throttling (the sign-in throttle)

/**
 * Second-factor attempts use the sign-in throttle, keyed by the operator alone: whoever tries codes
 * already knows the password, so spreading guesses over addresses must not multiply the tries.
 */
export async function checkThrottle(
  ctx: ServiceContext,
  actor: OperatorActor,
  address: string,
): Promise<string> {
  const perAddress = await hitRateLimit(
    ctx.db,
    `login:address:${addressKey(address)}`,
    LOGIN_LIMITS.windowSeconds,
  );
  if (perAddress > LOGIN_LIMITS.perAddress) {
    throw new AppError(
      'auth.rate_limited',
      'too many sign-in attempts from your address; wait 15 minutes and try again',
      { retryAfter: LOGIN_LIMITS.windowSeconds },
    );
  }
  const key = `second-factor:operator:${actor.id}`;
  const wait = await signInWait(ctx.db, key);
  if (wait > 0) {
    throw new AppError(
      'auth.rate_limited',
      `too many wrong second-factor codes for this account; wait ${wait} second${wait === 1 ? '' : 's'} and try again`,
      { retryAfter: wait },
    );
  }
  return key;
}

export async function failed(
  ctx: ServiceContext,
  actor: OperatorActor,
  throttleKey: string,
  method: SecondFactorMethod,
  session: SessionRef,
  message: string,
  code: 'second_factor.invalid_code' | 'second_factor.webauthn_failed' = 'second_factor.invalid_code',
): Promise<never> {
  await recordSignInFailure(ctx.db, throttleKey, LOGIN_LIMITS.freeFailures, LOGIN_LIMITS.maxDelaySeconds);
  await appendAuditEvent(ctx.db, {
    ...auditActor(actor),
    action: 'auth.second_factor_failed',
    details: { method, address: session.address, during: session.pending ? 'sign-in' : 'enrolment' },
  });
  throw new AppError(code, message);
}

/**
 * A limited session may enrol only while the operator has no factor at all (the policy asked for one):
 * otherwise the password alone would let someone add their own authenticator.
 */
export async function checkMayEnrol(
  ctx: ServiceContext,
  actor: OperatorActor,
  session: SessionRef,
): Promise<void> {
  if (!session.pending) return;
  if ((await enrolledMethods(ctx.db, actor.id)).length > 0) {
    throw new AppError(
      'auth.second_factor_required',
      'finish signing in with your second factor first; then add another one from your account page',
    );
  }
}

/**
 * After a first factor is enrolled: recovery codes when none are left (shown once), and the full session
 * when this enrolment finished a sign-in.
 */
export async function afterEnrolment(
  ctx: ServiceContext,
  actor: OperatorActor,
  session: SessionRef,
): Promise<EnrolmentResult> {
  const result: EnrolmentResult = {};
  if ((await listUnusedRecoveryCodes(ctx.db, actor.id)).length === 0) {
    result.recoveryCodes = await storeNewRecoveryCodes(ctx, actor);
  }
  if (session.pending) result.session = await upgradeSession(ctx, actor, session, 'enrolment');
  return result;
}

export async function storeNewRecoveryCodes(ctx: ServiceContext, actor: OperatorActor): Promise<string[]> {
  const { codes, digests } = newRecoveryCodes();
  await replaceRecoveryCodes(ctx.db, actor.id, digests);
  await appendAuditEvent(ctx.db, {
    ...auditActor(actor),
    action: 'second_factor.recovery_codes_generated',
    details: { count: codes.length },
  });
  return codes;
}

/** Ends the limited session and issues the full one. */
export async function upgradeSession(
  ctx: ServiceContext,
  actor: OperatorActor,
  session: SessionRef,
  method: SecondFactorMethod | 'enrolment',
): Promise<LoginResponse> {
  const operator = await findOperatorById(ctx.db, actor.id);
  if (operator?.state !== 'active') throw new AppError('auth.unauthenticated', 'sign in again');
  await revokeToken(ctx.db, session.tokenId);
  await appendAuditEvent(ctx.db, {
    ...auditActor(actor),
    action: 'auth.second_factor_passed',
    details: { method, address: session.address },
  });
  return issueOperatorToken(ctx, operator, 'full');
}

export function requirePending(session: SessionRef): void {
  if (!session.pending) {
    throw new AppError(
      'auth.forbidden',
      'you are signed in already: this completes a sign-in that asked for a second factor',
    );
  }
}

/**
 * How every completion of a limited sign-in (TOTP, recovery code, passkey) starts: the session must owe
 * a second factor and the throttle must allow one more try. Returns the throttle key.
 */
export async function beginCompletion(
  ctx: ServiceContext,
  actor: OperatorActor,
  session: SessionRef,
): Promise<string> {
  requirePending(session);
  return checkThrottle(ctx, actor, session.address);
}

/** The second factors left once one is removed must still satisfy the policy. */
export async function checkMayRemove(
  ctx: ServiceContext,
  actor: OperatorActor,
  remaining: number,
): Promise<void> {
  if (remaining === 0 && (await isSecondFactorRequired(ctx.db, actor.role))) {
    throw new AppError(
      'second_factor.still_required',
      `a second factor is required for ${actor.role}s: enrol another one before you remove this one`,
    );
  }
}
