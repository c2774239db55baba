/** Staff second factor: completing a sign-in, enrolling and removing factors, and an admin's reset. */
import { z } from 'zod';
import { LoginResponse } from '../schemas/auth.js';
import { IdParams } from '../schemas/common.js';
import {
  EnrolmentResult,
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
} from '../schemas/second-factor.js';
import { defineRoute } from './route.js';

const tags = ['second factor'];

// Completing a sign-in: 401 for a wrong code (bearer already implies it), 429 from the second-factor
// throttle. Passkey routes: 422 `second_factor.origin_unknown` when the browser's Origin is not this
// server. Enrolment and removal: 409 for the state of the factors (not enrolled, enrolled already, not
// started, still required by the policy).
export const secondFactor = {
  status: defineRoute({
    method: 'GET',
    path: '/api/v1/auth/second-factor',
    summary: 'Your second factors: authenticator app, passkeys, recovery codes left; whether required',
    tags,
    auth: 'bearer',
    responses: { 200: SecondFactorStatus },
    errors: [],
    beforeSecondFactor: true,
  }),

  // ---- completing a sign-in (limited session → full session)
  verifyTotp: defineRoute({
    method: 'POST',
    path: '/api/v1/auth/second-factor/totp',
    summary:
      'Finish signing in with a code from your authenticator app (limited token); returns the full token',
    tags,
    auth: 'bearer',
    body: TotpCodeBody,
    responses: { 200: LoginResponse },
    errors: [429],
    beforeSecondFactor: true,
  }),
  useRecoveryCode: defineRoute({
    method: 'POST',
    path: '/api/v1/auth/second-factor/recovery-code',
    summary: 'Finish signing in with a single-use recovery code (limited token); returns the full token',
    tags,
    auth: 'bearer',
    body: RecoveryCodeBody,
    responses: { 200: LoginResponse },
    errors: [429],
    beforeSecondFactor: true,
  }),
  webauthnOptions: defineRoute({
    method: 'POST',
    path: '/api/v1/auth/second-factor/webauthn/options',
    summary: 'WebAuthn assertion options to finish signing in with a passkey (limited token)',
    tags,
    auth: 'bearer',
    responses: { 200: WebAuthnOptions },
    // 409: no passkey enrolled.
    errors: [409, 422],
    beforeSecondFactor: true,
  }),
  verifyWebauthn: defineRoute({
    method: 'POST',
    path: '/api/v1/auth/second-factor/webauthn',
    summary: 'Finish signing in with a passkey assertion (limited token); returns the full token',
    tags,
    auth: 'bearer',
    body: WebAuthnAssertionBody,
    responses: { 200: LoginResponse },
    // 409: no options were asked for first.
    errors: [409, 422, 429],
    beforeSecondFactor: true,
  }),

  // ---- enrolment (a full session, or a limited one when the policy asks for a first factor)
  startTotpEnrolment: defineRoute({
    method: 'POST',
    path: '/api/v1/auth/second-factor/totp/enrolment',
    summary: 'Start enrolling an authenticator app: a new secret and its otpauth:// URI (for a QR code)',
    tags,
    auth: 'bearer',
    responses: { 200: TotpEnrolment },
    errors: [409],
    beforeSecondFactor: true,
  }),
  confirmTotpEnrolment: defineRoute({
    method: 'POST',
    path: '/api/v1/auth/second-factor/totp/confirmation',
    summary:
      'Finish enrolling the authenticator app with a code from it; returns recovery codes (once) and, in a limited session, the full token',
    tags,
    auth: 'bearer',
    body: TotpCodeBody,
    responses: { 200: EnrolmentResult },
    errors: [409, 429],
    beforeSecondFactor: true,
  }),
  removeTotp: defineRoute({
    method: 'DELETE',
    path: '/api/v1/auth/second-factor/totp',
    summary: 'Remove your authenticator app (refused when the policy requires it and it is your last factor)',
    tags,
    auth: 'bearer',
    responses: { 204: z.null() },
    errors: [409],
  }),
  registrationOptions: defineRoute({
    method: 'POST',
    path: '/api/v1/auth/second-factor/webauthn/registration-options',
    summary: 'WebAuthn registration options to add a passkey',
    tags,
    auth: 'bearer',
    responses: { 200: WebAuthnOptions },
    errors: [422],
    beforeSecondFactor: true,
  }),
  registerPasskey: defineRoute({
    method: 'POST',
    path: '/api/v1/auth/second-factor/webauthn/registration',
    summary:
      'Add a passkey from its registration response; returns recovery codes (once) and, in a limited session, the full token',
    tags,
    auth: 'bearer',
    body: WebAuthnRegistrationBody,
    responses: { 200: EnrolmentResult },
    errors: [409, 422, 429],
    beforeSecondFactor: true,
  }),
  removePasskey: defineRoute({
    method: 'DELETE',
    path: '/api/v1/auth/second-factor/passkeys/:id',
    summary: 'Remove one of your passkeys (refused when the policy requires it and it is your last factor)',
    tags,
    auth: 'bearer',
    params: IdParams,
    responses: { 204: z.null() },
    errors: [404, 409],
  }),
  newRecoveryCodes: defineRoute({
    method: 'POST',
    path: '/api/v1/auth/second-factor/recovery-codes',
    summary: 'New recovery codes, shown once; the old ones stop working',
    tags,
    auth: 'bearer',
    responses: { 200: RecoveryCodes },
    // 409: no factor enrolled (recovery codes come with one).
    errors: [409],
  }),

  // ---- admin
  listOperators: defineRoute({
    method: 'GET',
    path: '/api/v1/second-factors',
    summary: 'Who has which second factor (admin)',
    tags,
    auth: 'bearer',
    responses: { 200: OperatorSecondFactors },
    errors: [],
  }),
  resetOperator: defineRoute({
    method: 'POST',
    path: '/api/v1/operators/:id/second-factor-reset',
    summary:
      'Remove every second factor of an operator and end their sessions (admin; audited with the reason)',
    tags,
    auth: 'bearer',
    params: IdParams,
    body: ResetSecondFactorBody,
    responses: { 204: z.null() },
    errors: [404],
  }),
};
