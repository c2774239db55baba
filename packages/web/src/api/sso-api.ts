/**
 * Single sign-on from the portals. The sign-in itself is a full-page navigation to
 * /api/v1/auth/sso/start; the server's callback brings the browser back to a fixed path and keeps the
 * result behind an HttpOnly cookie, which only the exchange below (same origin, POST) can redeem.
 */
import type { SsoPortal } from '@cardwarden/contract';
import { endpoints, pathTo, withQuery } from '@cardwarden/contract/endpoints';
import { ApiError } from './api-error.js';
import { ApiClient, operatorApi, type TokenStore } from './client.js';

/** Where the browser goes to sign in with the identity provider (a navigation, not a call). */
export function ssoStartUrl(portal: SsoPortal): string {
  return withQuery(pathTo(endpoints.sso.start), { portal });
}

/** The public calls: no token, but the same-origin cookie the exchange redeems. */
const anonymous = operatorApi.anonymous();

export const ssoEndpoints = {
  status: () => anonymous.call(endpoints.sso.status),
  exchange: () => anonymous.call(endpoints.sso.exchange, { body: {} }),
  settings: () => operatorApi.call(endpoints.sso.settings),
};

const SSO_SESSION_KEY = 'cardwarden.sso.session.';

/** Remembers, for this tab, that the portal's sign-in came from SSO (sign-out then ends it there too). */
export function markSsoSession(portal: SsoPortal): void {
  try {
    sessionStorage.setItem(SSO_SESSION_KEY + portal, '1');
  } catch {
    // Storage disabled: sign-out ends only the Cardwarden session.
  }
}

/**
 * Sign-out: an SSO session is ended here and, when the provider offers it, at the provider too (the
 * browser goes there and comes back); any other session signs out as before.
 */
export function ssoAwareLogout(
  portal: SsoPortal,
  tokens: TokenStore,
  logout: () => Promise<unknown>,
): () => Promise<unknown> {
  return async () => {
    let wasSso = false;
    try {
      wasSso = sessionStorage.getItem(SSO_SESSION_KEY + portal) === '1';
      sessionStorage.removeItem(SSO_SESSION_KEY + portal);
    } catch {
      // As a password session.
    }
    const token = tokens.get();
    if (!wasSso || !token) return logout();
    let endSessionUrl: string | null | undefined;
    try {
      ({ endSessionUrl } = await new ApiClient(tokens).withToken(token).call(endpoints.sso.logout));
    } catch (error) {
      // An error answer: the sign-in is over here anyway (the caller drops the token).
      if (error instanceof ApiError && error.status !== 0) return null;
      throw error;
    }
    if (endSessionUrl) window.location.assign(endSessionUrl);
    return null;
  };
}

const STEP_UP_KEY = 'cardwarden.sso.stepUp';

/** The cardholder's step-up proof, kept for this tab until it is used or expires. */
export const stepUpProof = {
  set(proof: { proof: string; expiresAt: string }): void {
    try {
      sessionStorage.setItem(STEP_UP_KEY, JSON.stringify(proof));
    } catch {
      // Storage disabled: the step-up is asked for again.
    }
  },
  get(): { proof: string; expiresAt: string } | null {
    try {
      const raw = sessionStorage.getItem(STEP_UP_KEY);
      if (!raw) return null;
      const parsed = JSON.parse(raw) as { proof: string; expiresAt: string };
      if (new Date(parsed.expiresAt).getTime() <= Date.now()) return null;
      return parsed;
    } catch {
      return null;
    }
  },
  clear(): void {
    try {
      sessionStorage.removeItem(STEP_UP_KEY);
    } catch {
      // Nothing kept.
    }
  },
};
