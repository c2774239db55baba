/** Staff second factor: completing a sign-in, enrolling and removing factors, and an admin's reset. */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  EnrolmentResult,
  IdParams,
  LoginResponse,
  OperatorSecondFactors,
  RecoveryCodeBody,
  RecoveryCodes,
  ResetSecondFactorBody,
  SecondFactorStatus,
  TotpCodeBody,
  TotpEnrolment,
  WebAuthnAssertionBody,
  WebAuthnOptions,
  WebAuthnRegistrationBody,
} from '@cardwarden/contract';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { AppError } from '../errors.js';
import { operatorOf, requireOperator } from '../http/auth-guard.js';
import { bearer, errorResponses } from '../http/responses.js';
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
  const tags = ['second factor'];
  const staff = requireOperator(ctx);
  const base = '/api/v1/auth/second-factor';

  app.get(
    base,
    {
      schema: {
        tags,
        summary: 'Your second factors: authenticator app, passkeys, recovery codes left; whether required',
        security: bearer,
        response: { 200: SecondFactorStatus, ...errorResponses },
      },
      preHandler: staff,
    },
    (request) => secondFactorStatus(ctx, operatorOf(request)),
  );

  // ---- completing a sign-in (limited session → full session)
  app.post(
    `${base}/totp`,
    {
      schema: {
        tags,
        summary:
          'Finish signing in with a code from your authenticator app (limited token); returns the full token',
        security: bearer,
        body: TotpCodeBody,
        response: { 200: LoginResponse, ...errorResponses },
      },
      preHandler: staff,
    },
    (request) => completeWithTotp(ctx, operatorOf(request), sessionOf(request), request.body.code),
  );
  app.post(
    `${base}/recovery-code`,
    {
      schema: {
        tags,
        summary: 'Finish signing in with a single-use recovery code (limited token); returns the full token',
        security: bearer,
        body: RecoveryCodeBody,
        response: { 200: LoginResponse, ...errorResponses },
      },
      preHandler: staff,
    },
    (request) => completeWithRecoveryCode(ctx, operatorOf(request), sessionOf(request), request.body.code),
  );
  app.post(
    `${base}/webauthn/options`,
    {
      schema: {
        tags,
        summary: 'WebAuthn assertion options to finish signing in with a passkey (limited token)',
        security: bearer,
        response: { 200: WebAuthnOptions, ...errorResponses },
      },
      preHandler: staff,
    },
    async (request) =>
      (await passkeyAssertionOptions(
        ctx,
        operatorOf(request),
        sessionOf(request),
        relyingPartyOf(request),
      )) as unknown as WebAuthnOptions,
  );
  app.post(
    `${base}/webauthn`,
    {
      schema: {
        tags,
        summary: 'Finish signing in with a passkey assertion (limited token); returns the full token',
        security: bearer,
        body: WebAuthnAssertionBody,
        response: { 200: LoginResponse, ...errorResponses },
      },
      preHandler: staff,
    },
    (request) =>
      completeWithPasskey(
        ctx,
        operatorOf(request),
        sessionOf(request),
        relyingPartyOf(request),
        request.body.response as AuthenticationResponseJSON,
      ),
  );

  // ---- enrolment (a full session, or a limited one when the policy asks for a first factor)
  app.post(
    `${base}/totp/enrolment`,
    {
      schema: {
        tags,
        summary: 'Start enrolling an authenticator app: a new secret and its otpauth:// URI (for a QR code)',
        security: bearer,
        response: { 200: TotpEnrolment, ...errorResponses },
      },
      preHandler: staff,
    },
    (request) => startTotpEnrolment(ctx, operatorOf(request), sessionOf(request)),
  );
  app.post(
    `${base}/totp/confirmation`,
    {
      schema: {
        tags,
        summary:
          'Finish enrolling the authenticator app with a code from it; returns recovery codes (once) and, in a limited session, the full token',
        security: bearer,
        body: TotpCodeBody,
        response: { 200: EnrolmentResult, ...errorResponses },
      },
      preHandler: staff,
    },
    (request) => confirmTotpEnrolment(ctx, operatorOf(request), sessionOf(request), request.body.code),
  );
  app.delete(
    `${base}/totp`,
    {
      schema: {
        tags,
        summary:
          'Remove your authenticator app (refused when the policy requires it and it is your last factor)',
        security: bearer,
        response: { 204: z.null(), ...errorResponses },
      },
      preHandler: staff,
    },
    async (request, reply) => {
      await removeTotp(ctx, operatorOf(request));
      return reply.code(204).send(null);
    },
  );
  app.post(
    `${base}/webauthn/registration-options`,
    {
      schema: {
        tags,
        summary: 'WebAuthn registration options to add a passkey',
        security: bearer,
        response: { 200: WebAuthnOptions, ...errorResponses },
      },
      preHandler: staff,
    },
    async (request) =>
      (await passkeyRegistrationOptions(
        ctx,
        operatorOf(request),
        sessionOf(request),
        relyingPartyOf(request),
      )) as unknown as WebAuthnOptions,
  );
  app.post(
    `${base}/webauthn/registration`,
    {
      schema: {
        tags,
        summary:
          'Add a passkey from its registration response; returns recovery codes (once) and, in a limited session, the full token',
        security: bearer,
        body: WebAuthnRegistrationBody,
        response: { 200: EnrolmentResult, ...errorResponses },
      },
      preHandler: staff,
    },
    (request) =>
      registerPasskey(
        ctx,
        operatorOf(request),
        sessionOf(request),
        relyingPartyOf(request),
        request.body.response as RegistrationResponseJSON,
        request.body.label,
      ),
  );
  app.delete(
    `${base}/passkeys/:id`,
    {
      schema: {
        tags,
        summary:
          'Remove one of your passkeys (refused when the policy requires it and it is your last factor)',
        security: bearer,
        params: IdParams,
        response: { 204: z.null(), ...errorResponses },
      },
      preHandler: staff,
    },
    async (request, reply) => {
      await removePasskey(ctx, operatorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
  app.post(
    `${base}/recovery-codes`,
    {
      schema: {
        tags,
        summary: 'New recovery codes, shown once; the old ones stop working',
        security: bearer,
        response: { 200: RecoveryCodes, ...errorResponses },
      },
      preHandler: staff,
    },
    (request) => regenerateRecoveryCodes(ctx, operatorOf(request)),
  );

  // ---- admin
  app.get(
    '/api/v1/second-factors',
    {
      schema: {
        tags,
        summary: 'Who has which second factor (admin)',
        security: bearer,
        response: { 200: OperatorSecondFactors, ...errorResponses },
      },
      preHandler: requireOperator(ctx, 'admin'),
    },
    () => listOperatorSecondFactors(ctx),
  );
  app.post(
    '/api/v1/operators/:id/second-factor-reset',
    {
      schema: {
        tags,
        summary:
          'Remove every second factor of an operator and end their sessions (admin; audited with the reason)',
        security: bearer,
        params: IdParams,
        body: ResetSecondFactorBody,
        response: { 204: z.null(), ...errorResponses },
      },
      preHandler: requireOperator(ctx, 'admin'),
    },
    async (request, reply) => {
      await resetOperatorSecondFactors(ctx, operatorOf(request), request.params.id, request.body.reason);
      return reply.code(204).send(null);
    },
  );
}
