/**
 * WebAuthn (passkeys and security keys) through @simplewebauthn/server: options for the browser, and
 * verification of what it sends back. Attestation is not asked for ('none'): any authenticator the
 * operator holds is accepted, as for an authenticator app.
 */
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';

/** Where the console runs as the browser sees it: the origin, and the RP ID (its host name). */
export interface RelyingParty {
  readonly origin: string;
  readonly rpId: string;
}

export interface StoredCredential {
  readonly credentialId: string;
  readonly publicKey: string;
  readonly signCount: number;
  readonly transports: readonly string[];
}

const RP_NAME = 'Cardwarden';
const TIMEOUT_MS = 120_000;

const TRANSPORTS: readonly AuthenticatorTransport[] = ['ble', 'hybrid', 'internal', 'nfc', 'usb'];

function transportsOf(list: readonly string[]): AuthenticatorTransport[] {
  return TRANSPORTS.filter((transport) => list.includes(transport));
}

export function registrationOptions(
  rp: RelyingParty,
  operator: { id: string; username: string },
  existing: readonly StoredCredential[],
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  return generateRegistrationOptions({
    rpName: RP_NAME,
    rpID: rp.rpId,
    userName: operator.username,
    userID: new TextEncoder().encode(operator.id),
    attestationType: 'none',
    timeout: TIMEOUT_MS,
    excludeCredentials: existing.map((c) => ({ id: c.credentialId, transports: transportsOf(c.transports) })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
  });
}

/** The new credential, or undefined when the response does not verify. */
export async function verifyRegistration(
  rp: RelyingParty,
  response: RegistrationResponseJSON,
  expectedChallenge: string,
): Promise<(Omit<StoredCredential, 'signCount'> & { signCount: number }) | undefined> {
  let result;
  try {
    result = await verifyRegistrationResponse({
      response,
      expectedChallenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpId,
      requireUserVerification: false,
    });
  } catch {
    // Malformed or forged: the library explains in an exception; the caller answers uniformly.
    return undefined;
  }
  if (!result.verified) return undefined;
  const credential = result.registrationInfo.credential;
  return {
    credentialId: credential.id,
    publicKey: Buffer.from(credential.publicKey).toString('base64url'),
    signCount: credential.counter,
    transports: credential.transports ?? response.response.transports ?? [],
  };
}

export function authenticationOptions(
  rp: RelyingParty,
  credentials: readonly StoredCredential[],
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return generateAuthenticationOptions({
    rpID: rp.rpId,
    timeout: TIMEOUT_MS,
    userVerification: 'preferred',
    allowCredentials: credentials.map((c) => ({
      id: c.credentialId,
      transports: transportsOf(c.transports),
    })),
  });
}

/** The authenticator's new signature counter, or undefined when the assertion does not verify. */
export async function verifyAssertion(
  rp: RelyingParty,
  response: AuthenticationResponseJSON,
  expectedChallenge: string,
  credential: StoredCredential,
): Promise<number | undefined> {
  try {
    const result = await verifyAuthenticationResponse({
      response,
      expectedChallenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpId,
      requireUserVerification: false,
      credential: {
        id: credential.credentialId,
        publicKey: new Uint8Array(Buffer.from(credential.publicKey, 'base64url')),
        counter: credential.signCount,
        transports: transportsOf(credential.transports),
      },
    });
    return result.verified ? result.authenticationInfo.newCounter : undefined;
  } catch {
    return undefined;
  }
}
