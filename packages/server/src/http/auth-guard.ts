/**
 * Bearer-token authentication and role checks. Routes name them as `preHandler`; they run as
 * `preValidation` (see `authenticateBeforeValidation`), so an anonymous caller learns nothing about what
 * a body should hold (401 before 400).
 */
import type { FastifyRequest, RouteOptions } from 'fastify';
import { allRoutes, routeKey } from '@cardwarden/contract';
import { requestRouteKey } from './route-key.js';
import type { App } from './types.js';
import { AppError } from '../errors.js';
import type { OperatorRole } from '../repositories/operator.repository.js';
import { authenticate } from '../services/auth.service.js';
import type { Actor, CardholderActor, OperatorActor, ServiceContext } from '../services/context.js';

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+([A-Za-z0-9._~+/=-]{16,512})$/i.exec(header.trim());
  return match?.[1];
}

/** The routes of the table with `flag` set, as `METHOD path` (Fastify's route URL). */
function routesWith(flag: 'beforePasswordChange' | 'beforeSecondFactor'): ReadonlySet<string> {
  return new Set(allRoutes.filter((route) => route[flag]).map(routeKey));
}

/**
 * What a token whose operator must change a one-time password may do (routes marked
 * `beforePasswordChange` in the contract's table). Everything else is refused, so a route added later is
 * closed to such a token without anyone remembering to close it.
 */
const ALLOWED_BEFORE_PASSWORD_CHANGE = routesWith('beforePasswordChange');

/**
 * What a limited session (password right, second factor owed) may do (routes marked
 * `beforeSecondFactor`): complete a second factor, enrol one when the policy asks for it, or sign out.
 * Everything else is refused, as above.
 */
const ALLOWED_BEFORE_SECOND_FACTOR = routesWith('beforeSecondFactor');

async function identify(ctx: ServiceContext, request: FastifyRequest): Promise<Actor> {
  const token = bearerToken(request);
  if (!token) throw new AppError('auth.unauthenticated', 'sign in first: send Authorization: Bearer <token>');
  const found = await authenticate(ctx, token);
  if (!found)
    throw new AppError(
      'auth.unauthenticated',
      'your sign-in has ended or the token is not valid; sign in again',
    );
  const route = requestRouteKey(request);
  if (found.secondFactorPending === true && !ALLOWED_BEFORE_SECOND_FACTOR.has(route)) {
    throw new AppError(
      'auth.second_factor_required',
      'finish signing in first: enter the code from your authenticator app, use your passkey or a recovery code',
    );
  }
  request.secondFactorPending = found.secondFactorPending === true;
  if (
    found.secondFactorPending !== true &&
    found.mustChangePassword &&
    !ALLOWED_BEFORE_PASSWORD_CHANGE.has(route)
  ) {
    throw new AppError(
      'auth.password_change_required',
      'an administrator reset your password: choose a new one (Change password) before you do anything else',
    );
  }
  request.actor = found.actor;
  request.tokenId = found.tokenId;
  return found.actor;
}

type Guard = (request: FastifyRequest) => Promise<void>;

/** Every guard this module makes, so that the route hook can find them among a route's hooks. */
const GUARDS = new WeakSet<Guard>();

function guard(check: Guard): Guard {
  GUARDS.add(check);
  return check;
}

/** Moves the auth guards a route names as `preHandler` to `preValidation`; call before routes are added. */
export function authenticateBeforeValidation(app: App): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const hooks = route.preHandler === undefined ? [] : [route.preHandler].flat();
    const guards = hooks.filter((hook) => GUARDS.has(hook as Guard));
    if (guards.length === 0) return;
    route.preHandler = hooks.filter((hook) => !GUARDS.has(hook as Guard));
    route.preValidation = [
      ...guards,
      ...(route.preValidation === undefined ? [] : [route.preValidation].flat()),
    ];
  });
}

/**
 * The roles `requireOperator` lets through when it names none: every role but `issuer`, which may issue
 * and re-key cards and read their users, nothing else. Routes open to issuers say so (`requireAnyOperator`
 * or by naming the role), so a route added later is closed to them.
 */
const STAFF_ROLES: readonly OperatorRole[] = ['admin', 'supervisor', 'operator', 'auditor'];

/** Lets through operators holding one of `roles` (any role but issuer when none is named). */
export function requireOperator(ctx: ServiceContext, ...roles: OperatorRole[]) {
  return operatorGuard(ctx, roles.length > 0 ? roles : STAFF_ROLES);
}

/** Lets through every operator, issuers too: their own account, and reading users, cards and profiles. */
export function requireAnyOperator(ctx: ServiceContext) {
  return operatorGuard(ctx, [...STAFF_ROLES, 'issuer']);
}

function operatorGuard(ctx: ServiceContext, roles: readonly OperatorRole[]) {
  return guard(async (request: FastifyRequest): Promise<void> => {
    const actor = await identify(ctx, request);
    if (actor.type !== 'operator') {
      throw new AppError('auth.forbidden', 'this needs an operator account; cardholders use self-service');
    }
    if (!roles.includes(actor.role)) {
      throw new AppError(
        'auth.forbidden',
        `this needs the role ${roles.join(' or ')}; you are ${actor.role}`,
      );
    }
  });
}

/** Lets through signed-in cardholders (self-service). */
export function requireCardholder(ctx: ServiceContext) {
  return guard(async (request: FastifyRequest): Promise<void> => {
    const actor = await identify(ctx, request);
    if (actor.type !== 'cardholder') {
      throw new AppError(
        'auth.forbidden',
        'this is for cardholders in self-service; operators use the help desk',
      );
    }
  });
}

/** The operator a guarded route runs for. */
export function operatorOf(request: FastifyRequest): OperatorActor {
  const actor = request.actor;
  if (actor?.type !== 'operator') throw new AppError('auth.unauthenticated', 'sign in first');
  return actor;
}

export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new AppError('auth.unauthenticated', 'sign in first');
  return request.actor;
}

/** Lets through anyone signed in, operator or cardholder. */
export function requireSignedIn(ctx: ServiceContext) {
  return guard(async (request: FastifyRequest): Promise<void> => {
    await identify(ctx, request);
  });
}

/** The cardholder a self-service route runs for. */
export function cardholderOf(request: FastifyRequest): CardholderActor {
  const actor = request.actor;
  if (actor?.type !== 'cardholder')
    throw new AppError('auth.forbidden', 'this is for cardholders in self-service');
  return actor;
}
