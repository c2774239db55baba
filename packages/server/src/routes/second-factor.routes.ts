/** Staff second factor: completing a sign-in, enrolling and removing factors, and an admin's reset. */
import type { FastifyRequest } from 'fastify';
import { api, type WebAuthnOptions } from '@cardwarden/contract';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { AppError } from '../errors.js';
import { operatorOf, requireOperator } from '../http/auth-guard.js';
import { fromContract } from '../http/contract-route.js';
import type { App } from '../http/types.js';
import type { ServiceContext } from '../services/context.js';
import {
  completeWithPasskey,
  passkeyAssertionOptions,
  passkeyRegistrationOptions,
  registerPasskey,
  removePasskey,
} from '../auth/second-factor/passkey.service.js';
import {
  completeWithRecoveryCode,
  regenerateRecoveryCodes,
} from '../auth/second-factor/recovery-code.service.js';
import type { SessionRef } from '../auth/second-factor/second-factor-steps.js';
import {
  listOperatorSecondFactors,
  resetOperatorSecondFactors,
  secondFactorStatus,
} from '../auth/second-factor/second-factor.service.js';
import {
  completeWithTotp,
  confirmTotpEnrolment,
  removeTotp,
  startTotpEnrolment,
} from '../auth/second-factor/totp.service.js';
import type { RelyingParty } from '../auth/second-factor/webauthn.js';
import { inTransaction } from '../db/unit-of-work.js';

function sessionOf(request: FastifyRequest): SessionRef {
  if (!request.tokenId) throw new AppError('auth.unauthenticated', 'sign in first');
  return { tokenId: request.tokenId, pending: request.secondFactorPending, address: request.ip };
}

/**
 * The relying party is the console the browser shows: its origin (sent by the browser, and it must name
 * the host this request reached) and, as RP ID, that origin's host name. A passkey is bound to that name.
 */
function relyingPartyOf(request: FastifyRequest): RelyingParty {
  const origin = request.headers.origin;
  let url: URL | undefined;
  try {
    url = origin ? new URL(origin) : undefined;
  } catch {
    url = undefined;
  }
  if (url?.host !== request.host || !['http:', 'https:'].includes(url.protocol)) {
    throw new AppError(
      'second_factor.origin_unknown',
      'passkeys work from the web console at this server’s address: open the console there and try again',
    );
  }
  return { origin: url.origin, rpId: url.hostname };
}

export function registerSecondFactorRoutes(app: App, ctx: ServiceContext): void {
  const staff = requireOperator(ctx);

  app.route({
    ...fromContract(api.secondFactor.status),
    preHandler: staff,
    handler: (request) => secondFactorStatus(ctx, operatorOf(request)),
  });

  // ---- completing a sign-in (limited session → full session)
  app.route({
    ...fromContract(api.secondFactor.verifyTotp),
    preHandler: staff,
    handler: (request) => completeWithTotp(ctx, operatorOf(request), sessionOf(request), request.body.code),
  });
  app.route({
    ...fromContract(api.secondFactor.useRecoveryCode),
    preHandler: staff,
    handler: (request) =>
      completeWithRecoveryCode(ctx, operatorOf(request), sessionOf(request), request.body.code),
  });
  app.route({
    ...fromContract(api.secondFactor.webauthnOptions),
    preHandler: staff,
    handler: async (request) =>
      (await passkeyAssertionOptions(
        ctx,
        operatorOf(request),
        sessionOf(request),
        relyingPartyOf(request),
      )) as unknown as WebAuthnOptions,
  });
  app.route({
    ...fromContract(api.secondFactor.verifyWebauthn),
    preHandler: staff,
    handler: (request) =>
      completeWithPasskey(
        ctx,
        operatorOf(request),
        sessionOf(request),
        relyingPartyOf(request),
        request.body.response as AuthenticationResponseJSON,
      ),
  });

  // ---- enrolment (a full session, or a limited one when the policy asks for a first factor)
  app.route({
    ...fromContract(api.secondFactor.startTotpEnrolment),
    preHandler: staff,
    handler: (request) => startTotpEnrolment(ctx, operatorOf(request), sessionOf(request)),
  });
  app.route({
    ...fromContract(api.secondFactor.confirmTotpEnrolment),
    preHandler: staff,
    handler: (request) =>
      confirmTotpEnrolment(ctx, operatorOf(request), sessionOf(request), request.body.code),
  });
  app.route({
    ...fromContract(api.secondFactor.removeTotp),
    preHandler: staff,
    handler: async (request, reply) => {
      await removeTotp(ctx, operatorOf(request));
      return reply.code(204).send(null);
    },
  });
  app.route({
    ...fromContract(api.secondFactor.registrationOptions),
    preHandler: staff,
    handler: async (request) =>
      (await passkeyRegistrationOptions(
        ctx,
        operatorOf(request),
        sessionOf(request),
        relyingPartyOf(request),
      )) as unknown as WebAuthnOptions,
  });
  app.route({
    ...fromContract(api.secondFactor.registerPasskey),
    preHandler: staff,
    handler: (request) =>
      registerPasskey(
        ctx,
        operatorOf(request),
        sessionOf(request),
        relyingPartyOf(request),
        request.body.response as RegistrationResponseJSON,
        request.body.label,
      ),
  });
  app.route({
    ...fromContract(api.secondFactor.removePasskey),
    preHandler: staff,
    handler: async (request, reply) => {
      await removePasskey(ctx, operatorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  });
  app.route({
    ...fromContract(api.secondFactor.newRecoveryCodes),
    preHandler: staff,
    handler: (request) => regenerateRecoveryCodes(ctx, operatorOf(request)),
  });

  // ---- admin
  app.route({
    ...fromContract(api.secondFactor.listOperators),
    preHandler: requireOperator(ctx, 'admin'),
    handler: () => listOperatorSecondFactors(ctx),
  });
  app.route({
    ...fromContract(api.secondFactor.resetOperator),
    preHandler: requireOperator(ctx, 'admin'),
    handler: async (request, reply) => {
      await inTransaction(ctx.db, (tx) =>
        resetOperatorSecondFactors(ctx, tx, operatorOf(request), request.params.id, request.body.reason),
      );
      return reply.code(204).send(null);
    },
  });
}
