/**
 * Issue the session after the password check: the one step every staff sign-in goes through once the
 * password (local, directory, or an SSO sign-in) is proven. It decides whether a second factor is owed,
 * and answers with a full session or a limited one that may only complete (or enrol) a second factor.
 */
import { randomToken, sha256Hex } from '@cardwarden/protocol/crypto';
import type { LoginResponse } from '@cardwarden/contract';
import { insertToken, type TokenScope } from '../../repositories/token.repository.js';
import {
  findTotp,
  listPasskeys,
  listUnusedRecoveryCodes,
} from '../../repositories/second-factor.repository.js';
import type { Database } from '../../db/database.js';
import type { ServiceContext } from '../../services/context.js';
import { isSecondFactorRequired } from './policy.js';

/** How long a limited session lasts: long enough to find the phone or the key, short enough to be spent. */
export const LIMITED_SESSION_MINUTES = 10;

export type SecondFactorMethod = 'totp' | 'webauthn' | 'recovery_code';

/** The second factors an operator has enrolled (recovery codes count only beside a real factor). */
export async function enrolledMethods(db: Database, operatorId: string): Promise<SecondFactorMethod[]> {
  const methods: SecondFactorMethod[] = [];
  if ((await findTotp(db, operatorId))?.confirmed) methods.push('totp');
  if ((await listPasskeys(db, operatorId)).length > 0) methods.push('webauthn');
  if (methods.length > 0 && (await listUnusedRecoveryCodes(db, operatorId)).length > 0) {
    methods.push('recovery_code');
  }
  return methods;
}

/** Stores a new bearer token for an operator and returns it (the only time it exists in clear). */
export async function issueOperatorToken(
  ctx: ServiceContext,
  operator: { id: string; mustChangePassword: boolean },
  scope: TokenScope,
): Promise<LoginResponse> {
  const token = randomToken();
  const lifetimeMs = scope === 'full' ? ctx.sessionHours * 3_600_000 : LIMITED_SESSION_MINUTES * 60_000;
  const expiresAt = new Date(Date.now() + lifetimeMs);
  await insertToken(ctx.db, {
    tokenHash: sha256Hex(token),
    subjectType: 'operator',
    subjectId: operator.id,
    expiresAt,
    scope,
  });
  return { token, expiresAt: expiresAt.toISOString(), mustChangePassword: operator.mustChangePassword };
}

/**
 * Issue the session after the password check. Without an enrolled factor and without a policy for the
 * role, this is a full session, exactly as before second factors existed. Otherwise a limited session:
 * `methods` says what completes it; `enrolmentRequired` that the policy asks for a factor not yet enrolled.
 *
 * @example
 *   // after the password (or the SSO sign-in) was verified and audited:
 *   return issueOperatorSession(ctx, operator);
 */
export async function issueOperatorSession(
  ctx: ServiceContext,
  operator: { id: string; role: string; mustChangePassword: boolean },
): Promise<LoginResponse> {
  const methods = await enrolledMethods(ctx.db, operator.id);
  const required = await isSecondFactorRequired(ctx.db, operator.role);
  if (methods.length === 0 && !required) return issueOperatorToken(ctx, operator, 'full');
  const limited = await issueOperatorToken(ctx, operator, 'second_factor');
  return {
    ...limited,
    secondFactorRequired: true,
    methods,
    enrolmentRequired: methods.length === 0,
  };
}
