/**
 * The second-factor endpoints. During sign-in they are called with the limited token the password gave
 * (it is not stored: only the full token is); on the account page, with the operator's session.
 */
import type {
  EnrolmentResult,
  LoginResponse,
  OperatorSecondFactors,
  RecoveryCodes,
  SecondFactorStatus,
  TotpEnrolment,
} from '@cardwarden/contract';
import { startAuthentication, startRegistration } from '@simplewebauthn/browser';
import { ApiError, toApiError } from './api-error.js';
import { operatorApi, type RequestOptions } from './client.js';

const BASE = '/api/v1/auth/second-factor';

type Call = <T>(path: string, options?: RequestOptions) => Promise<T>;

/** Calls the API with an explicit (limited) token. */
export function withToken(token: string): Call {
  return async <T>(path: string, options: RequestOptions = {}): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(path, {
        method: options.method ?? 'GET',
        headers: {
          accept: 'application/json',
          authorization: `Bearer ${token}`,
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: options.body === undefined ? null : JSON.stringify(options.body),
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch {
      throw new ApiError(0, 'network', 'network error');
    }
    let body: unknown = null;
    try {
      body = response.status === 204 ? null : await response.json();
    } catch {
      // Not JSON: toApiError names the status.
    }
    if (!response.ok) throw toApiError(response.status, body);
    return body as T;
  };
}

/** The session's own calls (the account page). */
export const sessionCall: Call = (path, options) => operatorApi.request(path, options);

export type PasskeyJSON = Parameters<typeof startRegistration>[0]['optionsJSON'];
type AssertionOptionsJSON = Parameters<typeof startAuthentication>[0]['optionsJSON'];

/** The second-factor endpoints over one way of calling (limited token or session). */
export function secondFactorEndpoints(call: Call) {
  return {
    status: () => call<SecondFactorStatus>(BASE),
    startTotp: () => call<TotpEnrolment>(`${BASE}/totp/enrolment`, { method: 'POST' }),
    confirmTotp: (code: string) =>
      call<EnrolmentResult>(`${BASE}/totp/confirmation`, { method: 'POST', body: { code } }),
    removeTotp: () => call<null>(`${BASE}/totp`, { method: 'DELETE' }),
    completeTotp: (code: string) => call<LoginResponse>(`${BASE}/totp`, { method: 'POST', body: { code } }),
    completeRecovery: (code: string) =>
      call<LoginResponse>(`${BASE}/recovery-code`, { method: 'POST', body: { code } }),
    /** Asks the browser for a new passkey (the person touches the key or unlocks the device). */
    registerPasskey: async (label: string | undefined): Promise<EnrolmentResult> => {
      const optionsJSON = await call<PasskeyJSON>(`${BASE}/webauthn/registration-options`, {
        method: 'POST',
      });
      const response = await startRegistration({ optionsJSON });
      return call<EnrolmentResult>(`${BASE}/webauthn/registration`, {
        method: 'POST',
        body: { response, ...(label ? { label } : {}) },
      });
    },
    /** Signs in with a passkey the browser finds. */
    completePasskey: async (): Promise<LoginResponse> => {
      const optionsJSON = await call<AssertionOptionsJSON>(`${BASE}/webauthn/options`, { method: 'POST' });
      const response = await startAuthentication({ optionsJSON });
      return call<LoginResponse>(`${BASE}/webauthn`, { method: 'POST', body: { response } });
    },
    removePasskey: (id: string) =>
      call<null>(`${BASE}/passkeys/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    newRecoveryCodes: () => call<RecoveryCodes>(`${BASE}/recovery-codes`, { method: 'POST' }),
    /** Admin: who has what, and a reset. */
    everyone: () => call<OperatorSecondFactors>('/api/v1/second-factors'),
    reset: (operatorId: string, reason: string) =>
      call<null>(`/api/v1/operators/${encodeURIComponent(operatorId)}/second-factor-reset`, {
        method: 'POST',
        body: { reason },
      }),
  };
}

export type SecondFactorEndpoints = ReturnType<typeof secondFactorEndpoints>;
