import { z } from 'zod';
import { LoginResponse } from './auth.js';
import { Timestamp } from './common.js';

/** Where an SSO sign-in leads: the staff console, self-service, or a step-up proof. */
export const SsoPortal = z.enum(['staff', 'self-service', 'step-up']);
export type SsoPortal = z.infer<typeof SsoPortal>;

/** Public: whether the sign-in pages offer "Sign in with SSO". */
export const SsoStatus = z.object({ enabled: z.boolean() });
export type SsoStatus = z.infer<typeof SsoStatus>;

export const SsoStartQuery = z.object({
  portal: SsoPortal.optional(),
  /** A sign-in the unlock tool asked for (POST /api/v1/auth/sso/device). */
  device: z.string().max(100).optional(),
});
export type SsoStartQuery = z.infer<typeof SsoStartQuery>;

/** What the provider sends back to the redirect URL. */
export const SsoCallbackQuery = z.object({
  code: z.string().max(2000).optional(),
  state: z.string().max(200).optional(),
  iss: z.string().max(2000).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(2000).optional(),
  session_state: z.string().max(2000).optional(),
});

/** A proof of a fresh SSO sign-in of a cardholder: one use, minutes long. */
export const SsoStepUpProof = z.object({ proof: z.string(), expiresAt: Timestamp });
export type SsoStepUpProof = z.infer<typeof SsoStepUpProof>;

export const SsoExchangeBody = z.object({}).strict();

/** The result of an SSO sign-in, exchanged once by the page the callback led to. */
export const SsoExchangeResponse = z.object({
  portal: SsoPortal,
  session: LoginResponse.optional(),
  stepUp: SsoStepUpProof.optional(),
});
export type SsoExchangeResponse = z.infer<typeof SsoExchangeResponse>;

export const SsoLogoutResponse = z.object({
  /** Where to send the browser to sign out at the provider too; null when it offers no end-session endpoint. */
  endSessionUrl: z.string().nullable(),
});
export type SsoLogoutResponse = z.infer<typeof SsoLogoutResponse>;

/** A step-up the unlock tool waits for: the person opens `signInUrl` in a browser. */
export const SsoDeviceRequest = z.object({
  signInUrl: z.string(),
  pollToken: z.string(),
  expiresAt: Timestamp,
  intervalSeconds: z.number().int(),
});
export type SsoDeviceRequest = z.infer<typeof SsoDeviceRequest>;

export const SsoDevicePollBody = z.object({ pollToken: z.string().min(1).max(200) });

export const SsoDevicePollResponse = z.object({
  status: z.enum(['pending', 'done']),
  stepUp: SsoStepUpProof.optional(),
});
export type SsoDevicePollResponse = z.infer<typeof SsoDevicePollResponse>;

/** The SSO configuration as the admin console shows it: secrets never leave the server. */
export const SsoSettings = z.object({
  enabled: z.boolean(),
  issuer: z.string().nullable(),
  clientId: z.string().nullable(),
  clientSecretSet: z.boolean(),
  redirectUrl: z.string().nullable(),
  postLogoutRedirectUrl: z.string().nullable(),
  scopes: z.array(z.string()),
  groupsClaim: z.string().nullable(),
  usernameClaim: z.string().nullable(),
  cardholderMatch: z.enum(['username', 'email']).nullable(),
  groupRoles: z.array(z.object({ group: z.string(), role: z.string() })),
  allowInsecureHttp: z.boolean(),
  stepUpMaxAgeSeconds: z.number().int().nullable(),
});
export type SsoSettings = z.infer<typeof SsoSettings>;
