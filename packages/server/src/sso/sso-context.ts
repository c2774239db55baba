/** What the SSO service needs: the configuration, the relying party and the short-lived state. */
import type { LoginResponse } from '@cardwarden/contract';
import type { SsoConfig } from '../config.js';
import type { ErrorCode } from '@cardwarden/contract';
import { OidcRelyingParty, type PendingAuthorization } from './oidc-relying-party.js';
import { ExpiringSecrets } from './sso-store.js';

export type SsoPortal = 'staff' | 'self-service' | 'step-up';

/** A cardholder's fresh SSO sign-in, good for one self-service unblock or online unlock. */
export interface StepUpGrant {
  readonly userId: string;
  readonly authTime: Date;
}

/** The unlock tool waiting for a step-up (`cardwarden-unlock online --sso`). */
export interface DeviceWait {
  proof: { readonly proof: string; readonly expiresAt: string } | undefined;
  error: { readonly code: ErrorCode; readonly message: string } | undefined;
}

/** A sign-in between the redirect to the provider and its return. */
export interface SsoFlow {
  readonly pending: PendingAuthorization;
  readonly portal: SsoPortal;
  /** SHA-256 of the random value in the browser's flow cookie: the callback must come from that browser. */
  readonly bindingDigest: string;
  readonly device: DeviceWait | undefined;
}

/** What the callback hands to the page it redirects to, through a one-time exchange. */
export interface SsoResult {
  readonly portal: SsoPortal;
  readonly session?: LoginResponse | undefined;
  readonly stepUp?: { readonly proof: string; readonly expiresAt: string } | undefined;
  readonly error?: { readonly code: ErrorCode; readonly message: string } | undefined;
}

export interface SsoContext {
  readonly config: SsoConfig;
  readonly rp: OidcRelyingParty;
  readonly flows: ExpiringSecrets<SsoFlow>;
  readonly results: ExpiringSecrets<SsoResult>;
  readonly stepUps: ExpiringSecrets<StepUpGrant>;
  /** The unlock tool's waits by the id in their sign-in URL, and by their poll token. */
  readonly deviceStarts: ExpiringSecrets<DeviceWait>;
  readonly devicePolls: ExpiringSecrets<DeviceWait>;
  /** ID tokens by bearer token, only as the hint of RP-initiated logout. */
  readonly idTokens: ExpiringSecrets<string>;
}

export const FLOW_MINUTES = 10;
export const RESULT_SECONDS = 120;

export function createSsoContext(config: SsoConfig, sessionHours: number): SsoContext {
  return {
    config,
    rp: new OidcRelyingParty(config),
    flows: new ExpiringSecrets(FLOW_MINUTES * 60_000),
    results: new ExpiringSecrets(RESULT_SECONDS * 1000),
    stepUps: new ExpiringSecrets(config.stepUpMaxAgeSeconds * 1000),
    deviceStarts: new ExpiringSecrets(FLOW_MINUTES * 60_000),
    devicePolls: new ExpiringSecrets(FLOW_MINUTES * 60_000),
    idTokens: new ExpiringSecrets(sessionHours * 3_600_000, 100_000),
  };
}
