/** What the SSO service needs: the configuration, the relying party and the short-lived state. */
import type { LoginResponse } from '@cardwarden/contract';
import type { SsoConfig } from '../config.js';
import type { ErrorCode } from '@cardwarden/contract';
import { OidcRelyingParty, type PendingAuthorization } from './oidc-relying-party.js';
import { SsoStateKind } from './sso-store.js';

export type SsoPortal = 'staff' | 'self-service' | 'step-up';

/** A cardholder's fresh SSO sign-in, good for one self-service unblock or online unlock. */
export interface StepUpGrant {
  readonly userId: string;
  /** ISO 8601: the provider's auth_time. */
  readonly authTime: string;
}

/** The unlock tool's wait, under its poll token: pending until the browser sign-in ends. */
export interface DeviceWait {
  readonly done: boolean;
  readonly proof?: { readonly proof: string; readonly expiresAt: string } | undefined;
  readonly error?: { readonly code: ErrorCode; readonly message: string } | undefined;
}

/** The unlock tool's sign-in link, under the id in its URL: which wait it completes. */
export interface DeviceStart {
  readonly pollToken: string;
}

/** A sign-in between the redirect to the provider and its return (stored under its `state`). */
export interface SsoFlow {
  readonly pending: Omit<PendingAuthorization, 'state'>;
  readonly portal: SsoPortal;
  /** SHA-256 of the random value in the browser's flow cookie: the callback must come from that browser. */
  readonly bindingDigest: string;
  /** The poll token of the unlock tool's wait this sign-in completes, if any. */
  readonly devicePoll: string | undefined;
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
  readonly flows: SsoStateKind<SsoFlow>;
  readonly results: SsoStateKind<SsoResult>;
  readonly stepUps: SsoStateKind<StepUpGrant>;
  /** The unlock tool's waits by the id in their sign-in URL, and by their poll token. */
  readonly deviceStarts: SsoStateKind<DeviceStart>;
  readonly devicePolls: SsoStateKind<DeviceWait>;
  /** ID tokens by bearer token, only as the hint of RP-initiated logout. */
  readonly idTokens: SsoStateKind<string>;
}

export const FLOW_MINUTES = 10;
export const RESULT_SECONDS = 120;

export function createSsoContext(config: SsoConfig, sessionHours: number): SsoContext {
  return {
    config,
    rp: new OidcRelyingParty(config),
    flows: new SsoStateKind('flow', FLOW_MINUTES * 60_000),
    results: new SsoStateKind('result', RESULT_SECONDS * 1000),
    stepUps: new SsoStateKind('step_up', config.stepUpMaxAgeSeconds * 1000),
    deviceStarts: new SsoStateKind('device_start', FLOW_MINUTES * 60_000),
    devicePolls: new SsoStateKind('device_poll', FLOW_MINUTES * 60_000),
    idTokens: new SsoStateKind('id_token', sessionHours * 3_600_000, undefined),
  };
}
