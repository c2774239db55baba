/**
 * What differs between GIDS and PIV in an issuance, in one place: how the server takes part in the card's
 * mutual authentication, which APDU writes a new key, and which APDUs write the PIN policy.
 *
 * GIDS (reference §2.4): the server sends R1, the card R2; the server's cryptogram E_K(R2 ‖ R1 ‖ Z1), the
 * card's E_K(R1 ‖ R2 ‖ Z2) proves the key. PIV (reference §3.2, as yubico-piv-tool does it): the card sends
 * its witness encrypted, E_K(W); the server decrypts it and sends W with its own challenge C; the card's
 * E_K(C) proves the key. Either way the key stays on the server.
 */
import { fromHex, toHex } from '@cardwarden/protocol/hex';
import { ADMIN_KEY_SPECS, type AdminKeyAlgorithm } from '@cardwarden/protocol/admin-key';
import { gidsPutAdminKey, gidsPutPinTryLimit } from '@cardwarden/protocol/gids';
import {
  pivPukChallenge,
  pivPukFromResponse,
  pivSetPukFromDefault,
  yubicoSetManagementKey,
  yubicoSetPinRetries,
} from '@cardwarden/protocol/piv';
import {
  checkGidsCardCryptogram,
  computeAdminResponse,
  constantTimeEqual,
  decryptEcb,
  encryptEcb,
  GIDS_MUTUAL_RANDOM_BYTES,
  gidsHostCryptogram,
  secureRandomBytes,
} from '@cardwarden/protocol/crypto';
import { AppError } from '../errors.js';

/** The card types issuance handles. */
export type IssuableType = 'gids' | 'piv';

/** GIDS's card cryptogram: 40 bytes (5 blocks). */
const GIDS_CRYPTOGRAM_BYTES = 40;

export function isIssuable(type: string): type is IssuableType {
  return type === 'gids' || type === 'piv';
}

function blockBytes(algorithm: AdminKeyAlgorithm): number {
  return ADMIN_KEY_SPECS[algorithm].challengeBytes;
}

/** The server's random for one authentication: GIDS R1 (16 bytes), PIV C (one block of the key). */
export function newHostChallenge(type: IssuableType, algorithm: AdminKeyAlgorithm): string {
  return toHex(secureRandomBytes(type === 'gids' ? GIDS_MUTUAL_RANDOM_BYTES : blockBytes(algorithm)));
}

function requireBytes(hex: string, bytes: number, what: string): Uint8Array {
  if (hex.length !== bytes * 2) {
    throw new AppError(
      'challenge.bad_length',
      `${what} was ${hex.length} hex digits, expected ${bytes * 2} for this card and key`,
    );
  }
  return fromHex(hex);
}

/** Checks the card's random (GIDS R2, PIV E_K(W)) for the card and key before a key is opened. */
export function checkCardChallenge(type: IssuableType, algorithm: AdminKeyAlgorithm, hex: string): void {
  requireBytes(hex, type === 'gids' ? GIDS_MUTUAL_RANDOM_BYTES : blockBytes(algorithm), "the card's random");
}

/** What the server answers the card's random with: GIDS E_K(R2 ‖ R1 ‖ Z1), PIV the witness W. */
export function hostAnswer(
  type: IssuableType,
  algorithm: AdminKeyAlgorithm,
  key: Uint8Array,
  randoms: { hostChallenge: string; cardChallenge: string },
): Uint8Array {
  if (type === 'gids') {
    return gidsHostCryptogram(algorithm, key, {
      r1: fromHex(randoms.hostChallenge),
      r2: fromHex(randoms.cardChallenge),
    });
  }
  return decryptEcb(algorithm, key, fromHex(randoms.cardChallenge));
}

/** Checks the length of the card's proof (GIDS 40 bytes, PIV one block). */
export function checkProofLength(type: IssuableType, algorithm: AdminKeyAlgorithm, hex: string): void {
  requireBytes(hex, type === 'gids' ? GIDS_CRYPTOGRAM_BYTES : blockBytes(algorithm), "the card's cryptogram");
}

/** Whether the card's answer proves it holds `key`: GIDS E_K(R1 ‖ R2 ‖ Z2), PIV E_K(C). */
export function cardProves(
  type: IssuableType,
  algorithm: AdminKeyAlgorithm,
  key: Uint8Array,
  randoms: { hostChallenge: string; cardChallenge: string },
  cardCryptogram: string,
): boolean {
  if (type === 'gids') {
    return checkGidsCardCryptogram(
      algorithm,
      key,
      { r1: fromHex(randoms.hostChallenge), r2: fromHex(randoms.cardChallenge) },
      fromHex(cardCryptogram),
    );
  }
  return constantTimeEqual(
    encryptEcb(algorithm, key, fromHex(randoms.hostChallenge)),
    fromHex(cardCryptogram),
  );
}

/** The one APDU that writes a new key: GIDS PUT DATA 3FFF (as gids-tool), PIV Yubico SET MANAGEMENT KEY. */
export function keyWriteApdu(type: IssuableType, algorithm: AdminKeyAlgorithm, key: Uint8Array): Uint8Array {
  return type === 'gids' ? gidsPutAdminKey(key) : yubicoSetManagementKey(algorithm, key);
}

/**
 * The PUK of a Cardwarden-issued PIV card: computed from its management key, so the server holds it
 * wherever it holds the key (sealed, derived, on the HSM) and the help desk's response to the card's PUK
 * challenge gives it to the unlock tool (`pivPukChallenge`, `pivPukFromResponse`).
 */
export function pivPukFor(algorithm: AdminKeyAlgorithm, key: Uint8Array, serial: string): string {
  return pivPukFromResponse(computeAdminResponse(algorithm, key, pivPukChallenge(algorithm, serial)));
}

/**
 * The PIN policy APDUs. GIDS: the PIN try limit (PUT DATA 7F71). PIV: SET PIN RETRIES (the PIN's limit
 * and the PUK's, which is the profile's admin-key attempt limit), which also puts PIN and PUK back to their
 * defaults, then the PUK from its default to `puk`.
 */
export function policyApdus(
  type: IssuableType,
  limits: { pinTries: number; pukTries: number },
  puk: string | undefined,
): Uint8Array[] {
  if (type === 'gids') return [gidsPutPinTryLimit(limits.pinTries)];
  if (puk === undefined) throw new Error('a PIV card needs its PUK');
  return [yubicoSetPinRetries(limits.pinTries, limits.pukTries), pivSetPukFromDefault(puk)];
}
