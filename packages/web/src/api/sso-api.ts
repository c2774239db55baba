/**
 * Single sign-on from the portals. The sign-in itself is a full-page navigation to
 * /api/v1/auth/sso/start; the server's callback brings the browser back to a fixed path and keeps the
 * result behind an HttpOnly cookie, which only the exchange below (same origin, POST) can redeem.
 */
import type {
  SsoExchangeResponse,
  SsoLogoutResponse,
  SsoPortal,
  SsoSettings,
  SsoStatus,
} from '@cardwarden/contract';
import { toApiError, ApiError } from './api-error.js';
import { operatorApi, type TokenStore } from './client.js';

export function ssoStartUrl(portal: SsoPortal): string {
  return `/api/v1/auth/sso/start?portal=${portal}`;
}

async function anonymous<T>(path: string, method: 'GET' | 'POST'): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: {
        accept: 'application/json',
        ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
      },
      body: method === 'POST' ? '{}' : null,
      // The exchange needs its cookie; nothing else of ours is a cookie.
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'network', 'network error');
  }
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON: toApiError names the status.
  }
  if (!response.ok) throw toApiError(response.status, body);
  return body as T;
}

export const ssoEndpoints = {
  status: () => anonymous<SsoStatus>('/api/v1/auth/sso', 'GET'),
  exchange: () => anonymous<SsoExchangeResponse>('/api/v1/auth/sso/exchange', 'POST'),
  settings: () => operatorApi.request<SsoSettings>('/api/v1/auth/sso/settings'),
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
    const response = await fetch('/api/v1/auth/sso/logout', {
      method: 'POST',
      headers: { accept: 'application/json', authorization: `Bearer ${token}` },
      credentials: 'omit',
      cache: 'no-store',
    });
    if (!response.ok) return null;
    const { endSessionUrl } = (await response.json()) as SsoLogoutResponse;
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
