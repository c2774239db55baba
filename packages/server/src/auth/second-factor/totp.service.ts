/** Staff second factor: the authenticator app (TOTP): enrol, sign in with a code, remove. */
import type { EnrolmentResult, LoginResponse, TotpEnrolment } from '@cardwarden/contract';
import { AppError } from '../../errors.js';
import { appendAuditEvent } from '../../repositories/audit.repository.js';
import {
  acceptTotpStep,
  deleteRecoveryCodes,
  deleteTotp,
  findTotp,
  listPasskeys,
  putPendingTotp,
  type TotpRecord,
} from '../../repositories/second-factor.repository.js';
import { clearSignInThrottle } from '../../repositories/sign-in-throttle.repository.js';
import { auditActor, type OperatorActor, type ServiceContext } from '../../services/context.js';
import { checkTotpCode, newTotpSecret, totpUri } from './totp.js';
import {
  afterEnrolment,
  checkMayEnrol,
  checkMayRemove,
  beginCompletion,
  checkThrottle,
  failed,
  upgradeSession,
  type SessionRef,
} from './second-factor-steps.js';

const WRONG_CODE =
  'that code is not right (or was used already): check the time on your phone and try the next code';

/**
 * Checks `code` against the enrolled (or, while `confirming`, the pending) secret and keeps its time step,
 * so that a code is accepted once; a wrong or replayed code counts against the throttle.
 */
async function acceptCode(
  ctx: ServiceContext,
  actor: OperatorActor,
  session: SessionRef,
  throttleKey: string,
  totp: Pick<TotpRecord, 'sealedSecret' | 'lastStep'>,
  code: string,
  confirming: boolean,
): Promise<void> {
  const step = await checkTotpCode(ctx.keys.openTotpSecret(actor.id, totp.sealedSecret), code, totp.lastStep);
  if (step === undefined || !(await acceptTotpStep(ctx.db, actor.id, step, confirming))) {
    await failed(ctx, actor, throttleKey, 'totp', session, WRONG_CODE);
  }
  await clearSignInThrottle(ctx.db, throttleKey);
}

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
  await acceptCode(ctx, actor, session, throttleKey, totp, code, true);
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
  const throttleKey = await beginCompletion(ctx, actor, session);
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
  await acceptCode(ctx, actor, session, throttleKey, totp, code, false);
  return upgradeSession(ctx, actor, session, 'totp');
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
