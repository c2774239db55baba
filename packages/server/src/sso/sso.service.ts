/**
 * Single sign-on with OpenID Connect: starting a sign-in, the provider's return, the one-time exchange
 * that hands the result to the page, staff and cardholder mapping, step-up proofs and sign-out.
 *
 * Nothing the provider returns travels in a URL we produce: the callback stores its result under a
 * random handle in an HttpOnly, SameSite=Strict cookie scoped to the exchange endpoint, and redirects to
 * a fixed path of the portal, which POSTs to exchange the handle once.
 */
import { constantTimeEqual, randomToken, sha256Hex } from '@cardwarden/protocol/crypto';
import {
  api,
  type ErrorCode,
  type LoginResponse,
  type SsoDeviceRequest,
  type SsoSettings,
} from '@cardwarden/contract';
import { normalizeDn, type DirectoryRole } from '../config.js';
import { AppError, isUniqueViolation } from '../errors.js';
import { appendAuditEvent } from '../repositories/audit.repository.js';
import { hitRateLimit } from '../repositories/rate-limit.repository.js';
import { addressKey } from '../services/address-key.js';
import {
  findCardholdersByEmail,
  findCardholdersByUsername,
  findOperatorBySsoSubject,
  findOperatorByUsernameForSso,
  insertSsoOperator,
  setSsoOperatorRole,
  type SsoCardholder,
} from '../repositories/sso.repository.js';
import { issueOperatorSession } from '../auth/second-factor/session.js';
import { issueToken } from '../services/auth.service.js';
import type { ServiceContext } from '../services/context.js';
import { AuthorizationRejected, ProviderUnavailable, type VerifiedIdentity } from './oidc-relying-party.js';
import {
  FLOW_MINUTES,
  type DeviceStart,
  type SsoContext,
  type SsoPortal,
  type SsoResult,
} from './sso-context.js';

/**
 * Sign-ins and unlock-tool waits one client address may start in ten minutes: each holds a row of
 * sso_pending until it expires, so a flood from one address cannot crowd out everyone else's sign-ins.
 */
export const SSO_START_LIMIT = { perAddress: 60, windowSeconds: 600 } as const;

async function limitStarts(ctx: ServiceContext, address: string): Promise<void> {
  const count = await hitRateLimit(ctx.db, `sso:start:${addressKey(address)}`, SSO_START_LIMIT.windowSeconds);
  if (count > SSO_START_LIMIT.perAddress) {
    throw new AppError(
      'auth.rate_limited',
      'too many single sign-ins were started from your address; wait ten minutes and try again',
      { retryAfter: SSO_START_LIMIT.windowSeconds },
    );
  }
}

/** Strongest first: someone in several mapped groups gets the strongest role (as directory sync does). */
const ROLE_ORDER: readonly DirectoryRole[] = ['admin', 'supervisor', 'operator', 'issuer', 'auditor'];

/** Where the callback sends the browser: fixed paths, never one taken from the request (no open redirect). */
const LANDING: Readonly<Record<SsoPortal | 'device', string>> = {
  staff: '/?sso=done',
  'self-service': '/self-service?sso=done',
  'step-up': '/self-service?sso=step-up',
  device: '/self-service?sso=device',
};

export function requireSso(ctx: ServiceContext): SsoContext {
  if (!ctx.sso) {
    throw new AppError(
      'sso.not_configured',
      'single sign-on is not set up on this server: sign in with your username and password, or ask an administrator to configure CARDWARDEN_OIDC_ISSUER',
    );
  }
  return ctx.sso;
}

function unavailable(error: ProviderUnavailable): AppError {
  return new AppError(
    'sso.provider_unavailable',
    `${error.message}. Try again in a few minutes, or sign in with your username and password`,
  );
}

/**
 * Starts a sign-in: the provider URL to redirect to, and the random value for the browser's flow
 * cookie. A `device` id joins a wait of the unlock tool (each id starts one sign-in).
 */
export async function startSsoSignIn(
  ctx: ServiceContext,
  request: { portal: SsoPortal | undefined; device: string | undefined },
  address: string,
): Promise<{ url: string; binding: string }> {
  const sso = requireSso(ctx);
  await limitStarts(ctx, address);
  let device: DeviceStart | undefined;
  if (request.device !== undefined) {
    device = await sso.deviceStarts.take(ctx, request.device);
    if (!device) {
      throw new AppError(
        'sso.invalid_state',
        'this sign-in link has expired or was already used: start again from the unlock tool',
      );
    }
  }
  const portal: SsoPortal = device ? 'step-up' : (request.portal ?? 'staff');
  let begun;
  try {
    begun = await sso.rp.begin({
      maxAge: portal === 'step-up' ? sso.config.stepUpMaxAgeSeconds : undefined,
    });
  } catch (error) {
    if (error instanceof ProviderUnavailable) throw unavailable(error);
    throw error;
  }
  const binding = randomToken();
  const { state, ...pending } = begun.pending;
  const stored = await sso.flows.put(ctx, state, {
    pending,
    portal,
    bindingDigest: sha256Hex(binding),
    devicePoll: device?.pollToken,
  });
  if (!stored) {
    throw new AppError(
      'auth.rate_limited',
      'too many sign-ins are in progress; wait a minute and try again',
      {
        retryAfter: 60,
      },
    );
  }
  return { url: begun.url.href, binding };
}

/**
 * The provider's return. Unknown state, or a state started in another browser, is refused outright
 * (login CSRF and injected codes end here). Otherwise the outcome, good or bad, is stored for the
 * exchange and the browser goes to the portal's landing path.
 */
export async function finishSsoSignIn(
  ctx: ServiceContext,
  callback: { url: URL; state: string | undefined; error: string | undefined; binding: string | undefined },
  address: string,
): Promise<{ redirectTo: string; resultHandle: string | undefined }> {
  const sso = requireSso(ctx);
  const state = callback.state;
  const flow = state ? await sso.flows.take(ctx, state) : undefined;
  if (!flow || !state) {
    throw new AppError(
      'sso.invalid_state',
      'this sign-in response is unknown, expired or was already used: start the sign-in again from Cardwarden',
    );
  }
  if (!callback.binding || !constantTimeEqual(sha256Hex(callback.binding), flow.bindingDigest)) {
    await appendAuditEvent(ctx.db, {
      actor: 'sso',
      actorType: 'anonymous',
      action: 'auth.sso_refused',
      details: { address, reason: 'browser_mismatch' },
    });
    throw new AppError(
      'sso.invalid_state',
      'this sign-in was started in another browser (or its cookie was blocked): start the sign-in again in this browser',
    );
  }
  let result: SsoResult;
  try {
    if (callback.error !== undefined) {
      // Only the provider's error code, from a fixed alphabet: its description is free text.
      const code = callback.error.replace(/[^a-z_]/gi, '').slice(0, 60);
      throw new AppError('sso.failed', `the identity provider did not sign you in (${code}): try again`);
    }
    let identity: VerifiedIdentity;
    try {
      identity = await sso.rp.finish(callback.url, { ...flow.pending, state });
    } catch (error) {
      if (error instanceof ProviderUnavailable) throw unavailable(error);
      if (error instanceof AuthorizationRejected) {
        await appendAuditEvent(ctx.db, {
          actor: 'sso',
          actorType: 'anonymous',
          action: 'auth.sso_refused',
          details: { address, reason: 'rejected', why: error.message.slice(0, 200) },
        });
        throw new AppError(
          'sso.failed',
          'the sign-in response from the identity provider did not pass its checks: start the sign-in again',
        );
      }
      throw error;
    }
    result = await resultFor(ctx, sso, flow.portal, identity, address);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    result = { portal: flow.portal, error: { code: error.code, message: error.message } };
  }
  if (flow.devicePoll !== undefined) {
    // The unlock tool polls on whichever instance; a wait that expired meanwhile just stays gone.
    await sso.devicePolls.replace(ctx, flow.devicePoll, {
      done: true,
      proof: result.stepUp,
      error: result.error,
    });
    return { redirectTo: LANDING.device + (result.error ? '-failed' : ''), resultHandle: undefined };
  }
  const handle = randomToken();
  await sso.results.put(ctx, handle, result);
  return { redirectTo: LANDING[flow.portal], resultHandle: handle };
}

async function resultFor(
  ctx: ServiceContext,
  sso: SsoContext,
  portal: SsoPortal,
  identity: VerifiedIdentity,
  address: string,
): Promise<SsoResult> {
  if (portal === 'staff') {
    const session = await signInStaff(ctx, sso, identity, address);
    if (identity.idToken) await sso.idTokens.put(ctx, session.token, identity.idToken);
    return { portal, session };
  }
  const cardholder = await findCardholder(ctx, sso, identity);
  const stepUp = await grantStepUp(ctx, sso, cardholder.id, identity.authTime);
  if (portal === 'step-up') {
    if (!stepUp) {
      throw new AppError(
        'sso.step_up_required',
        'the identity provider did not confirm a fresh sign-in: sign in again when asked',
      );
    }
    await appendAuditEvent(ctx.db, {
      actor: cardholder.username,
      actorType: 'cardholder',
      action: 'auth.sso_step_up',
      userId: cardholder.id,
      details: { address },
    });
    return { portal, stepUp };
  }
  await appendAuditEvent(ctx.db, {
    actor: cardholder.username,
    actorType: 'cardholder',
    action: 'auth.login',
    userId: cardholder.id,
    details: { address, via: 'sso' },
  });
  const session = await issueToken(ctx, 'cardholder', cardholder.id, false);
  if (identity.idToken) await sso.idTokens.put(ctx, session.token, identity.idToken);
  return { portal, session, stepUp };
}

/** A step-up proof when the provider confirmed a sign-in recent enough; it expires when that gets stale. */
async function grantStepUp(
  ctx: ServiceContext,
  sso: SsoContext,
  userId: string,
  authTime: Date | undefined,
): Promise<{ proof: string; expiresAt: string } | undefined> {
  if (!authTime) return undefined;
  const expiresAt = authTime.getTime() + sso.config.stepUpMaxAgeSeconds * 1000;
  const left = expiresAt - Date.now();
  if (left <= 0) return undefined;
  const proof = randomToken();
  if (!(await sso.stepUps.put(ctx, proof, { userId, authTime: authTime.toISOString() }, left)))
    return undefined;
  return { proof, expiresAt: new Date(expiresAt).toISOString() };
}

function claimText(claims: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = claims[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** The groups claim as a list of strings (providers send a list, some a single string). */
function groupsOf(claims: Readonly<Record<string, unknown>>, name: string): string[] {
  const value = claims[name];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((group): group is string => typeof group === 'string');
  return [];
}

export function roleForGroups(
  groups: readonly string[],
  groupRoles: ReadonlyMap<string, DirectoryRole>,
): DirectoryRole | undefined {
  const roles = new Set<DirectoryRole>();
  for (const group of groups) {
    const role = groupRoles.get(normalizeDn(group));
    if (role) roles.add(role);
  }
  return ROLE_ORDER.find((role) => roles.has(role));
}

/**
 * A staff member: found by the provider's stable subject (issuer + sub), created at the first sign-in
 * when a group maps to a role; the role follows the groups at every sign-in. An existing local account
 * with the same username is never taken over.
 */
async function signInStaff(
  ctx: ServiceContext,
  sso: SsoContext,
  identity: VerifiedIdentity,
  address: string,
): Promise<LoginResponse> {
  const subject = `${identity.issuer} ${identity.subject}`;
  const role = roleForGroups(groupsOf(identity.claims, sso.config.groupsClaim), sso.config.groupRoles);
  const username =
    claimText(identity.claims, sso.config.usernameClaim) ?? claimText(identity.claims, 'email');
  const refuse = async (code: ErrorCode, reason: string, message: string): Promise<never> => {
    await appendAuditEvent(ctx.db, {
      actor: username ?? 'sso',
      actorType: 'anonymous',
      action: 'auth.sso_refused',
      details: { address, portal: 'operator', reason },
    });
    throw new AppError(code, message);
  };
  if (!role) {
    return refuse(
      'sso.no_role',
      'no_role',
      `your single sign-on account is in no group that gives a Cardwarden role (the "${sso.config.groupsClaim}" claim): ask an administrator to add you to a staff group`,
    );
  }
  let operator = await findOperatorBySsoSubject(ctx.db, subject);
  if (!operator) {
    if (!username) {
      return refuse(
        'sso.no_account',
        'no_username',
        `the identity provider sent no "${sso.config.usernameClaim}" or email claim to name your account: ask an administrator to release one of them to Cardwarden`,
      );
    }
    const existing = await findOperatorByUsernameForSso(ctx.db, username);
    if (existing) {
      return refuse(
        'sso.account_conflict',
        'username_taken',
        `a Cardwarden staff account named "${username}" already exists and is not linked to single sign-on: sign in with its password, or ask an administrator to rename it`,
      );
    }
    try {
      operator = await insertSsoOperator(ctx.db, { username, role, ssoSubject: subject });
    } catch (error) {
      // Two first sign-ins at once: the other one created it.
      if (!isUniqueViolation(error)) throw error;
      operator = await findOperatorBySsoSubject(ctx.db, subject);
      if (!operator) {
        return refuse(
          'sso.account_conflict',
          'username_taken',
          `a Cardwarden staff account named "${username}" already exists: ask an administrator`,
        );
      }
    }
    await appendAuditEvent(ctx.db, {
      actor: operator.username,
      actorType: 'operator',
      action: 'operator.created',
      details: { via: 'sso', role },
    });
  } else if (operator.role !== role) {
    await setSsoOperatorRole(ctx.db, operator.id, role);
    await appendAuditEvent(ctx.db, {
      actor: operator.username,
      actorType: 'operator',
      action: 'operator.updated',
      details: { via: 'sso', role, previousRole: operator.role },
    });
  }
  if (operator.state !== 'active') {
    return refuse(
      'sso.no_account',
      'disabled',
      'your Cardwarden staff account is disabled: ask an administrator to enable it',
    );
  }
  return completeOperatorSignIn(
    ctx,
    { id: operator.id, username: operator.username, role: operator.role },
    address,
  );
}

/**
 * The end of every SSO staff sign-in: audit and session, through the same step as a password sign-in,
 * so an enrolled (or required) second factor is asked for after SSO too.
 */
export async function completeOperatorSignIn(
  ctx: ServiceContext,
  operator: { id: string; username: string; role: string },
  address: string,
): Promise<LoginResponse> {
  await appendAuditEvent(ctx.db, {
    actor: operator.username,
    actorType: 'operator',
    action: 'auth.login',
    details: { address, via: 'sso' },
  });
  return issueOperatorSession(ctx, { id: operator.id, role: operator.role, mustChangePassword: false });
}

/**
 * The cardholder an SSO sign-in is: by username (the username claim) or by email, per
 * CARDWARDEN_OIDC_CARDHOLDER_MATCH. Never created: SSO alone does not make someone a cardholder.
 */
async function findCardholder(
  ctx: ServiceContext,
  sso: SsoContext,
  identity: VerifiedIdentity,
): Promise<SsoCardholder> {
  const byEmail = sso.config.cardholderMatch === 'email';
  const key = byEmail
    ? claimText(identity.claims, 'email')
    : claimText(identity.claims, sso.config.usernameClaim);
  const noAccount = new AppError(
    'sso.no_account',
    `no Cardwarden cardholder matches your single sign-on account (by ${byEmail ? 'email' : 'username'}): ask your administrator to register you`,
  );
  // An email the provider says it has not verified names no one.
  if (!key || (byEmail && identity.claims.email_verified === false)) throw noAccount;
  const found = byEmail
    ? await findCardholdersByEmail(ctx.db, key)
    : await findCardholdersByUsername(ctx.db, key);
  const [cardholder] = found;
  if (found.length !== 1 || !cardholder || cardholder.state === 'deleted') throw noAccount;
  if (cardholder.state === 'suspended') {
    throw new AppError(
      'self_service.account_suspended',
      'your account is suspended: contact your administrator, who can reactivate it',
    );
  }
  return cardholder;
}

/** The one exchange of a callback's result; a second one, or one after two minutes, is refused. */
export async function exchangeSsoResult(ctx: ServiceContext, handle: string | undefined): Promise<SsoResult> {
  const sso = requireSso(ctx);
  const result = handle ? await sso.results.take(ctx, handle) : undefined;
  if (!result) {
    throw new AppError(
      'sso.exchange_invalid',
      'no single sign-on result is waiting in this browser (it is used once and lasts two minutes): sign in again',
    );
  }
  if (result.error) throw new AppError(result.error.code, result.error.message);
  return result;
}

/**
 * Checks, and uses up, the step-up proof a profile requires before self-service offline unblock or
 * online unlock: a fresh SSO sign-in of that card's cardholder.
 */
export async function consumeStepUp(
  ctx: ServiceContext,
  proof: string | undefined,
  userId: string,
): Promise<void> {
  const grant = proof && ctx.sso ? await ctx.sso.stepUps.take(ctx, proof) : undefined;
  if (grant?.userId === userId) {
    const age = Date.now() - new Date(grant.authTime).getTime();
    if (ctx.sso && age <= ctx.sso.config.stepUpMaxAgeSeconds * 1000) return;
  }
  const minutes = Math.round((ctx.sso?.config.stepUpMaxAgeSeconds ?? 300) / 60);
  throw new AppError(
    'sso.step_up_required',
    ctx.sso
      ? `this card's profile requires a fresh single sign-on: sign in with SSO again (within ${minutes} minutes) and retry`
      : "this card's profile requires a single sign-on step-up but SSO is not configured on this server: ask an administrator",
  );
}

/** The unlock tool asks for a step-up: a sign-in URL for the browser and a token to poll with. */
export async function requestDeviceStepUp(ctx: ServiceContext, address: string): Promise<SsoDeviceRequest> {
  const sso = requireSso(ctx);
  await limitStarts(ctx, address);
  const device = randomToken();
  const pollToken = randomToken();
  if (
    !(await sso.devicePolls.put(ctx, pollToken, { done: false })) ||
    !(await sso.deviceStarts.put(ctx, device, { pollToken }))
  ) {
    throw new AppError(
      'auth.rate_limited',
      'too many sign-ins are in progress; wait a minute and try again',
      {
        retryAfter: 60,
      },
    );
  }
  const signInUrl = new URL(api.sso.start.path, sso.config.redirectUrl);
  signInUrl.searchParams.set('device', device);
  return {
    signInUrl: signInUrl.href,
    pollToken,
    expiresAt: new Date(Date.now() + FLOW_MINUTES * 60_000).toISOString(),
    intervalSeconds: 2,
  };
}

/** Pending until the browser sign-in ends; then its proof (or its refusal), once. */
export async function pollDeviceStepUp(
  ctx: ServiceContext,
  pollToken: string,
): Promise<{ status: 'pending' | 'done'; stepUp?: { proof: string; expiresAt: string } }> {
  const sso = requireSso(ctx);
  const unknown = new AppError(
    'sso.exchange_invalid',
    'this step-up request is unknown or has expired: run the unlock tool again',
  );
  const pending = await sso.devicePolls.peek(ctx, pollToken);
  if (!pending) throw unknown;
  if (!pending.done) return { status: 'pending' };
  // Done: taken once, so two polls racing on two instances cannot both receive the proof.
  const wait = await sso.devicePolls.take(ctx, pollToken);
  if (!wait?.done) throw unknown;
  if (wait.error) throw new AppError(wait.error.code, wait.error.message);
  return { status: 'done', stepUp: wait.proof };
}

/** Ends the session here; the provider's sign-out URL when it offers RP-initiated logout. */
export async function ssoLogoutUrl(
  ctx: ServiceContext,
  bearerToken: string | undefined,
): Promise<string | null> {
  if (!ctx.sso) return null;
  const idToken = bearerToken ? await ctx.sso.idTokens.take(ctx, bearerToken) : undefined;
  return (await ctx.sso.rp.endSessionUrl(idToken)) ?? null;
}

/** Public: whether sign-in pages offer SSO. */
export function ssoStatus(ctx: ServiceContext): { enabled: boolean } {
  return { enabled: ctx.sso !== undefined };
}

/** The configuration for the admin console; the client secret only as "set" or not. */
export function ssoSettings(ctx: ServiceContext): SsoSettings {
  const config = ctx.sso?.config;
  return {
    enabled: config !== undefined,
    issuer: config?.issuer ?? null,
    clientId: config?.clientId ?? null,
    clientSecretSet: config?.clientSecret !== undefined,
    redirectUrl: config?.redirectUrl ?? null,
    postLogoutRedirectUrl: config?.postLogoutRedirectUrl ?? null,
    scopes: [...(config?.scopes ?? [])],
    groupsClaim: config?.groupsClaim ?? null,
    usernameClaim: config?.usernameClaim ?? null,
    cardholderMatch: config?.cardholderMatch ?? null,
    groupRoles: [...(config?.groupRoles ?? new Map<string, string>())].map(([group, role]) => ({
      group,
      role,
    })),
    allowInsecureHttp: config?.allowInsecureHttp ?? false,
    stepUpMaxAgeSeconds: config?.stepUpMaxAgeSeconds ?? null,
  };
}
