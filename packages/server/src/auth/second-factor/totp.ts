/**
 * TOTP (RFC 6238: SHA-1, 6 digits, 30-second steps, as every authenticator app does) through otplib.
 * otplib compares codes in constant time; replay is refused by the caller, which keeps the last step.
 */
import { generateSecret, generateURI, verify } from 'otplib';

/** One step either side of now: clocks of phones drift, and people type slowly. */
const TOLERANCE_SECONDS = 30;

/** A new 160-bit secret, base32 (RFC 4226 recommends 160 bits). */
export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** The otpauth:// URI an authenticator app scans: issuer "Cardwarden", the operator's username. */
export function totpUri(username: string, secret: string): string {
  return generateURI({ issuer: 'Cardwarden', label: username, secret });
}

/**
 * The time step `code` belongs to, when it is right for `secret` and newer than `afterStep` (the last step
 * accepted, so a code seen once is never accepted again); undefined otherwise.
 */
export async function checkTotpCode(
  secret: string,
  code: string,
  afterStep: number | null,
): Promise<number | undefined> {
  const result = await verify({
    secret,
    token: code,
    epochTolerance: TOLERANCE_SECONDS,
    ...(afterStep === null ? {} : { afterTimeStep: afterStep }),
  });
  return result.valid && 'timeStep' in result ? result.timeStep : undefined;
}
