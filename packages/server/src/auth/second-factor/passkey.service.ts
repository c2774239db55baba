/** Staff second factor: passkeys (WebAuthn): register, sign in with one, remove. */
import type { EnrolmentResult, LoginResponse } from '@cardwarden/contract';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { AppError } from '../../errors.js';
import { appendAuditEvent } from '../../repositories/audit.repository.js';
import {
  deletePasskey,
  deleteRecoveryCodes,
  findTotp,
  insertPasskey,
  listPasskeys,
  passkeyCredentialExists,
  recordPasskeyUse,
  setSessionChallenge,
  takeSessionChallenge,
} from '../../repositories/second-factor.repository.js';
import { clearSignInThrottle } from '../../repositories/sign-in-throttle.repository.js';
import { auditActor, type OperatorActor, type ServiceContext } from '../../services/context.js';
import {
  authenticationOptions,
  registrationOptions,
  verifyAssertion,
  verifyRegistration,
  type RelyingParty,
} from './webauthn.js';
import {
  afterEnrolment,
  checkMayEnrol,
  checkMayRemove,
  beginCompletion,
  checkThrottle,
  failed,
  requirePending,
  upgradeSession,
  type SessionRef,
} from './second-factor-steps.js';

/** Keeps the options' WebAuthn challenge on the session (the last one given counts) and hands them out. */
async function offerOptions<T extends { readonly challenge: string }>(
  ctx: ServiceContext,
  session: SessionRef,
  options: T,
): Promise<T> {
  await setSessionChallenge(ctx.db, session.tokenId, options.challenge);
  return options;
}

/** Takes the session's WebAuthn challenge (it answers once); without one, `hint` says what to ask for first. */
async function takeChallenge(ctx: ServiceContext, session: SessionRef, hint: string): Promise<string> {
  const challenge = await takeSessionChallenge(ctx.db, session.tokenId);
  if (!challenge) throw new AppError('second_factor.enrolment_not_started', hint);
  return challenge;
}

export async function passkeyRegistrationOptions(
  ctx: ServiceContext,
  actor: OperatorActor,
  session: SessionRef,
  rp: RelyingParty,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  await checkMayEnrol(ctx, actor, session);
  return offerOptions(
    ctx,
    session,
    await registrationOptions(rp, actor, await listPasskeys(ctx.db, actor.id)),
  );
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
  const challenge = await takeChallenge(
    ctx,
    session,
    'ask for registration options first, then use your passkey',
  );
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
  return offerOptions(ctx, session, await authenticationOptions(rp, passkeys));
}

export async function completeWithPasskey(
  ctx: ServiceContext,
  actor: OperatorActor,
  session: SessionRef,
  rp: RelyingParty,
  response: AuthenticationResponseJSON,
): Promise<LoginResponse> {
  const throttleKey = await beginCompletion(ctx, actor, session);
  const challenge = await takeChallenge(
    ctx,
    session,
    'ask for passkey options first (POST …/webauthn/options), then use your passkey',
  );
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
