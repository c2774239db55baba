/**
 * Staff second factors: enrolment and removal of TOTP and passkeys, recovery codes, completing a
 * limited sign-in, and an admin's reset. Every enrolment, use, failure and reset is audited.
 */
import type {
  EnrolmentResult,
  LoginResponse,
  OperatorSecondFactors,
  RecoveryCodes,
  SecondFactorStatus,
  TotpEnrolment,
} from '@cardwarden/contract';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { AppError } from '../../errors.js';
import { appendAuditEvent } from '../../repositories/audit.repository.js';
import type { Database } from '../../db/database.js';
import { findOperatorById, findOperatorByUsername } from '../../repositories/operator.repository.js';
import { hitRateLimit } from '../../repositories/rate-limit.repository.js';
import {
  acceptTotpStep,
  deletePasskey,
  deletePasskeysOf,
  deleteRecoveryCodes,
  deleteTotp,
  findTotp,
  insertPasskey,
  listPasskeys,
  listSecondFactorSummaries,
  listUnusedRecoveryCodes,
  passkeyCredentialExists,
  putPendingTotp,
  recordPasskeyUse,
  replaceRecoveryCodes,
  setSessionChallenge,
  spendRecoveryCode,
  takeSessionChallenge,
} from '../../repositories/second-factor.repository.js';
import {
  clearSignInThrottle,
  recordSignInFailure,
  signInWait,
} from '../../repositories/sign-in-throttle.repository.js';
import { revokeToken, revokeTokensOf } from '../../repositories/token.repository.js';
import { addressKey } from '../../services/address-key.js';
import { LOGIN_LIMITS } from '../../services/auth.service.js';
import { auditActor, type OperatorActor, type ServiceContext } from '../../services/context.js';
import { isSecondFactorRequired, secondFactorRequiredFor } from './policy.js';
import { matchRecoveryCode, newRecoveryCodes } from './recovery-codes.js';
import { enrolledMethods, issueOperatorToken, type SecondFactorMethod } from './session.js';
import { checkTotpCode, newTotpSecret, totpUri } from './totp.js';
import {
  authenticationOptions,
  registrationOptions,
  verifyAssertion,
  verifyRegistration,
  type RelyingParty,
} from './webauthn.js';

/** The session a request runs in: its token, and whether it is a limited one (second factor owed). */
export interface SessionRef {
  readonly tokenId: string;
  readonly pending: boolean;
  readonly address: string;
}

const WRONG_CODE =
  'that code is not right (or was used already): check the time on your phone and try the next code';

// ---------------------------------------------------------------- throttling (the sign-in throttle)

/**
 * Second-factor attempts use the sign-in throttle, keyed by the operator alone: whoever tries codes
 * already knows the password, so spreading guesses over addresses must not multiply the tries.
 */
async function checkThrottle(ctx: ServiceContext, actor: OperatorActor, address: string): Promise<string> {
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

async function failed(
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

// ---------------------------------------------------------------- status

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

/**
 * A limited session may enrol only while the operator has no factor at all (the policy asked for one):
 * otherwise the password alone would let someone add their own authenticator.
 */
async function checkMayEnrol(ctx: ServiceContext, actor: OperatorActor, session: SessionRef): Promise<void> {
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
async function afterEnrolment(
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

async function storeNewRecoveryCodes(ctx: ServiceContext, actor: OperatorActor): Promise<string[]> {
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
async function upgradeSession(
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

function requirePending(session: SessionRef): void {
  if (!session.pending) {
    throw new AppError(
      'auth.forbidden',
      'you are signed in already: this completes a sign-in that asked for a second factor',
    );
  }
}

// ---------------------------------------------------------------- TOTP

export async function startTotpEnrolment(
  ctx: ServiceContext,
  actor: OperatorActor,
  session: SessionRef,
): Promise<TotpEnrolment> {
  await checkMayEnrol(ctx, actor, session);
  const secret = newTotpSecret();
  if (!(await putPendingTotp(ctx.db, actor.id, ctx.keys.sealTotpSecret(actor.id, secret)))) {
    throw new AppError(
      'second_factor.already_enrolled',
      'you have an authenticator app already: remove it first to enrol another one',
    );
  }
  await appendAuditEvent(ctx.db, { ...auditActor(actor), action: 'second_factor.totp_enrolment_started' });
  return { secret, otpauthUri: totpUri(actor.username, secret) };
}

export async function confirmTotpEnrolment(
  ctx: ServiceContext,
  actor: OperatorActor,
  session: SessionRef,
  code: string,
): Promise<EnrolmentResult> {
  await checkMayEnrol(ctx, actor, session);
  const throttleKey = await checkThrottle(ctx, actor, session.address);
  const totp = await findTotp(ctx.db, actor.id);
  if (!totp) {
    throw new AppError(
      'second_factor.enrolment_not_started',
      'start the enrolment first: scan the QR code, then type a code',
    );
  }
  if (totp.confirmed) {
    throw new AppError('second_factor.already_enrolled', 'your authenticator app is enrolled already');
  }
  const step = await checkTotpCode(ctx.keys.openTotpSecret(actor.id, totp.sealedSecret), code, totp.lastStep);
  if (step === undefined || !(await acceptTotpStep(ctx.db, actor.id, step, true))) {
    return failed(ctx, actor, throttleKey, 'totp', session, WRONG_CODE);
  }
  await clearSignInThrottle(ctx.db, throttleKey);
  await appendAuditEvent(ctx.db, { ...auditActor(actor), action: 'second_factor.totp_enrolled' });
  return afterEnrolment(ctx, actor, session);
}

/** Completes a limited sign-in with a TOTP code; a code is accepted once (its time step is kept). */
export async function completeWithTotp(
  ctx: ServiceContext,
  actor: OperatorActor,
  session: SessionRef,
  code: string,
): Promise<LoginResponse> {
  requirePending(session);
  const throttleKey = await checkThrottle(ctx, actor, session.address);
  const totp = await findTotp(ctx.db, actor.id);
  if (!totp?.confirmed) {
    return failed(
      ctx,
      actor,
      throttleKey,
      'totp',
      session,
      'you have no authenticator app enrolled: use your passkey or a recovery code',
    );
  }
  const step = await checkTotpCode(ctx.keys.openTotpSecret(actor.id, totp.sealedSecret), code, totp.lastStep);
  if (step === undefined || !(await acceptTotpStep(ctx.db, actor.id, step, false))) {
    return failed(ctx, actor, throttleKey, 'totp', session, WRONG_CODE);
  }
  await clearSignInThrottle(ctx.db, throttleKey);
  return upgradeSession(ctx, actor, session, 'totp');
}

/** The second factors left once one is removed must still satisfy the policy. */
async function checkMayRemove(ctx: ServiceContext, actor: OperatorActor, remaining: number): Promise<void> {
  if (remaining === 0 && (await isSecondFactorRequired(ctx.db, actor.role))) {
    throw new AppError(
      'second_factor.still_required',
      `a second factor is required for ${actor.role}s: enrol another one before you remove this one`,
    );
  }
}

export async function removeTotp(ctx: ServiceContext, actor: OperatorActor): Promise<void> {
  const totp = await findTotp(ctx.db, actor.id);
  if (!totp) throw new AppError('second_factor.not_enrolled', 'you have no authenticator app enrolled');
  const passkeys = await listPasskeys(ctx.db, actor.id);
  if (totp.confirmed) await checkMayRemove(ctx, actor, passkeys.length);
  await deleteTotp(ctx.db, actor.id);
  if (totp.confirmed && passkeys.length === 0) await deleteRecoveryCodes(ctx.db, actor.id);
  await appendAuditEvent(ctx.db, {
    ...auditActor(actor),
    action: 'second_factor.totp_removed',
    details: { pending: !totp.confirmed },
  });
}

// ---------------------------------------------------------------- recovery codes

export async function completeWithRecoveryCode(
  ctx: ServiceContext,
  actor: OperatorActor,
  session: SessionRef,
  code: string,
): Promise<LoginResponse> {
  requirePending(session);
  const throttleKey = await checkThrottle(ctx, actor, session.address);
  const match = matchRecoveryCode(code, await listUnusedRecoveryCodes(ctx.db, actor.id));
  if (!match || !(await spendRecoveryCode(ctx.db, match.id))) {
    return failed(
      ctx,
      actor,
      throttleKey,
      'recovery_code',
      session,
      'that recovery code is not right or was used already',
    );
  }
  await clearSignInThrottle(ctx.db, throttleKey);
  const left = (await listUnusedRecoveryCodes(ctx.db, actor.id)).length;
  await appendAuditEvent(ctx.db, {
    ...auditActor(actor),
    action: 'second_factor.recovery_code_used',
    details: { left },
  });
  return upgradeSession(ctx, actor, session, 'recovery_code');
}

/** New recovery codes (the old ones stop working); shown once. */
export async function regenerateRecoveryCodes(
  ctx: ServiceContext,
  actor: OperatorActor,
): Promise<RecoveryCodes> {
  if ((await enrolledMethods(ctx.db, actor.id)).length === 0) {
    throw new AppError(
      'second_factor.not_enrolled',
      'enrol an authenticator app or a passkey first; recovery codes come with it',
    );
  }
  return { recoveryCodes: await storeNewRecoveryCodes(ctx, actor) };
}

// ---------------------------------------------------------------- WebAuthn

export async function passkeyRegistrationOptions(
  ctx: ServiceContext,
  actor: OperatorActor,
  session: SessionRef,
  rp: RelyingParty,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  await checkMayEnrol(ctx, actor, session);
  const options = await registrationOptions(rp, actor, await listPasskeys(ctx.db, actor.id));
  await setSessionChallenge(ctx.db, session.tokenId, options.challenge);
  return options;
}

export async function registerPasskey(
  ctx: ServiceContext,
  actor: OperatorActor,
  session: SessionRef,
  rp: RelyingParty,
  response: RegistrationResponseJSON,
  label: string | undefined,
): Promise<EnrolmentResult> {
  await checkMayEnrol(ctx, actor, session);
  const throttleKey = await checkThrottle(ctx, actor, session.address);
  const challenge = await takeSessionChallenge(ctx.db, session.tokenId);
  if (!challenge) {
    throw new AppError(
      'second_factor.enrolment_not_started',
      'ask for registration options first, then use your passkey',
    );
  }
  const credential = await verifyRegistration(rp, response, challenge);
  if (!credential) {
    return failed(
      ctx,
      actor,
      throttleKey,
      'webauthn',
      session,
      'the passkey could not be registered: try again, and use the same browser window',
      'second_factor.webauthn_failed',
    );
  }
  if (await passkeyCredentialExists(ctx.db, credential.credentialId)) {
    throw new AppError('second_factor.already_enrolled', 'this passkey is registered already');
  }
  const stored = await insertPasskey(ctx.db, {
    operatorId: actor.id,
    ...credential,
    transports: [...credential.transports],
    label: label ?? 'passkey',
  });
  await clearSignInThrottle(ctx.db, throttleKey);
  await appendAuditEvent(ctx.db, {
    ...auditActor(actor),
    action: 'second_factor.passkey_registered',
    details: { passkeyId: stored.id, label: stored.label },
  });
  return afterEnrolment(ctx, actor, session);
}

export async function passkeyAssertionOptions(
  ctx: ServiceContext,
  actor: OperatorActor,
  session: SessionRef,
  rp: RelyingParty,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  requirePending(session);
  const passkeys = await listPasskeys(ctx.db, actor.id);
  if (passkeys.length === 0) {
    throw new AppError(
      'second_factor.not_enrolled',
      'you have no passkey: use your authenticator app or a recovery code',
    );
  }
  const options = await authenticationOptions(rp, passkeys);
  await setSessionChallenge(ctx.db, session.tokenId, options.challenge);
  return options;
}

export async function completeWithPasskey(
  ctx: ServiceContext,
  actor: OperatorActor,
  session: SessionRef,
  rp: RelyingParty,
  response: AuthenticationResponseJSON,
): Promise<LoginResponse> {
  requirePending(session);
  const throttleKey = await checkThrottle(ctx, actor, session.address);
  const challenge = await takeSessionChallenge(ctx.db, session.tokenId);
  if (!challenge) {
    throw new AppError(
      'second_factor.enrolment_not_started',
      'ask for passkey options first (POST …/webauthn/options), then use your passkey',
    );
  }
  // Only this operator's own credentials count.
  const passkey = (await listPasskeys(ctx.db, actor.id)).find((p) => p.credentialId === response.id);
  const newCount = passkey && (await verifyAssertion(rp, response, challenge, passkey));
  if (
    !passkey ||
    newCount === undefined ||
    !(await recordPasskeyUse(ctx.db, passkey.id, passkey.signCount, newCount))
  ) {
    return failed(
      ctx,
      actor,
      throttleKey,
      'webauthn',
      session,
      'the passkey was not accepted: use a passkey you registered for this account',
      'second_factor.webauthn_failed',
    );
  }
  await clearSignInThrottle(ctx.db, throttleKey);
  return upgradeSession(ctx, actor, session, 'webauthn');
}

export async function removePasskey(ctx: ServiceContext, actor: OperatorActor, id: string): Promise<void> {
  const passkeys = await listPasskeys(ctx.db, actor.id);
  if (!passkeys.some((p) => p.id === id)) {
    throw new AppError('second_factor.passkey_not_found', 'no such passkey on your account; reload the page');
  }
  const totp = (await findTotp(ctx.db, actor.id))?.confirmed === true;
  const remaining = passkeys.length - 1 + (totp ? 1 : 0);
  await checkMayRemove(ctx, actor, remaining);
  await deletePasskey(ctx.db, actor.id, id);
  if (remaining === 0) await deleteRecoveryCodes(ctx.db, actor.id);
  await appendAuditEvent(ctx.db, {
    ...auditActor(actor),
    action: 'second_factor.passkey_removed',
    details: { passkeyId: id },
  });
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
  db: Database,
  operator: { id: string; username: string },
  by: { actor: string; actorType: 'operator' | 'cardholder' | 'system' },
  reason: string,
): Promise<{ totp: boolean; passkeys: number }> {
  return db.transaction(async (tx) => {
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
  });
}

/**
 * An admin removes every second factor of an operator (lost phone, lost key) and ends their sessions.
 * Audited with the reason. Under a policy, the operator is asked to enrol again at the next sign-in.
 */
export async function resetOperatorSecondFactors(
  ctx: ServiceContext,
  admin: OperatorActor,
  operatorId: string,
  reason: string,
): Promise<void> {
  const operator = await findOperatorById(ctx.db, operatorId);
  if (!operator) throw new AppError('operator.not_found', 'no such operator; reload the list');
  await removeAllFactors(ctx.db, operator, auditActor(admin), reason);
}

/** The same from the command line on the server (`reset-second-factor`), for when no admin can sign in. */
export async function resetSecondFactorsLocally(
  db: Database,
  username: string,
  reason: string,
): Promise<{ username: string; totp: boolean; passkeys: number }> {
  const operator = await findOperatorByUsername(db, username);
  if (!operator) {
    throw new AppError('operator.not_found', `no staff account is named "${username}"`);
  }
  const removed = await removeAllFactors(
    db,
    operator,
    { actor: 'reset-second-factor command', actorType: 'system' },
    reason,
  );
  return { username: operator.username, ...removed };
}
