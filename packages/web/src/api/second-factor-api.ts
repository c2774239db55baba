/**
 * The second-factor endpoints. During sign-in they are called with the limited token the password gave
 * (it is not stored: only the full token is); on the account page, with the operator's session.
 */
import { endpoints } from '@cardwarden/contract/endpoints';
import {
  startAuthentication,
  startRegistration,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/browser';
import { operatorApi, type ApiClient } from './client.js';

/** Calls the API with an explicit (limited) token: not stored, and a 401 leaves the stored sign-in alone. */
export function withToken(token: string): ApiClient {
  return operatorApi.withToken(token);
}

/** The session's own calls (the account page). */
export const sessionCall: ApiClient = operatorApi;

export type PasskeyJSON = Parameters<typeof startRegistration>[0]['optionsJSON'];
type AssertionOptionsJSON = Parameters<typeof startAuthentication>[0]['optionsJSON'];

/**
 * A WebAuthn response with its extension results copied into a plain object: the same JSON, but the
 * contract types them as a record, and the browser library's interface for them has no index signature.
 */
function withPlainExtensions<T extends RegistrationResponseJSON | AuthenticationResponseJSON>(response: T) {
  const clientExtensionResults: Record<string, unknown> = { ...response.clientExtensionResults };
  return { ...response, clientExtensionResults };
}

/** The second-factor endpoints over one way of calling (limited token or session). */
export function secondFactorEndpoints(api: ApiClient) {
  return {
    status: () => api.call(endpoints.secondFactor.status),
    startTotp: () => api.call(endpoints.secondFactor.startTotpEnrolment),
    confirmTotp: (code: string) => api.call(endpoints.secondFactor.confirmTotpEnrolment, { body: { code } }),
    removeTotp: () => api.call(endpoints.secondFactor.removeTotp),
    completeTotp: (code: string) => api.call(endpoints.secondFactor.verifyTotp, { body: { code } }),
    completeRecovery: (code: string) => api.call(endpoints.secondFactor.useRecoveryCode, { body: { code } }),
    /** Asks the browser for a new passkey (the person touches the key or unlocks the device). */
    registerPasskey: async (label: string | undefined) => {
      // The contract checks WebAuthn options only as an object: the browser library has their full type.
      const optionsJSON = (await api.call(
        endpoints.secondFactor.registrationOptions,
      )) as unknown as PasskeyJSON;
      const response = await startRegistration({ optionsJSON });
      return api.call(endpoints.secondFactor.registerPasskey, {
        body: { response: withPlainExtensions(response), ...(label ? { label } : {}) },
      });
    },
    /** Signs in with a passkey the browser finds. */
    completePasskey: async () => {
      const optionsJSON = (await api.call(
        endpoints.secondFactor.webauthnOptions,
      )) as unknown as AssertionOptionsJSON;
      const response = await startAuthentication({ optionsJSON });
      return api.call(endpoints.secondFactor.verifyWebauthn, {
        body: { response: withPlainExtensions(response) },
      });
    },
    removePasskey: (id: string) => api.call(endpoints.secondFactor.removePasskey, { params: { id } }),
    newRecoveryCodes: () => api.call(endpoints.secondFactor.newRecoveryCodes),
    /** Admin: who has what, and a reset. */
    everyone: () => api.call(endpoints.secondFactor.listOperators),
    reset: (operatorId: string, reason: string) =>
      api.call(endpoints.secondFactor.resetOperator, { params: { id: operatorId }, body: { reason } }),
  };
}

export type SecondFactorEndpoints = ReturnType<typeof secondFactorEndpoints>;
