/** Staff second factor: single-use recovery codes (sign in with one; new ones replace the old). */
import type { LoginResponse, RecoveryCodes } from '@cardwarden/contract';
import { AppError } from '../../errors.js';
import { appendAuditEvent } from '../../repositories/audit.repository.js';
import { listUnusedRecoveryCodes, spendRecoveryCode } from '../../repositories/second-factor.repository.js';
import { clearSignInThrottle } from '../../repositories/sign-in-throttle.repository.js';
import { auditActor, type OperatorActor, type ServiceContext } from '../../services/context.js';
import { matchRecoveryCode } from './recovery-codes.js';
import { enrolledMethods } from './session.js';
import {
  beginCompletion,
  failed,
  storeNewRecoveryCodes,
  upgradeSession,
  type SessionRef,
} from './second-factor-steps.js';

export async function completeWithRecoveryCode(
  ctx: ServiceContext,
  actor: OperatorActor,
  session: SessionRef,
  code: string,
): Promise<LoginResponse> {
  const throttleKey = await beginCompletion(ctx, actor, session);
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
