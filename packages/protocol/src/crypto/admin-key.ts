/** Admin-key challenge/response: response = E_K(challenge), one block, ECB (= CBC with a zero IV). */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ADMIN_KEY_SPECS, type AdminKeyAlgorithm } from '../admin-key-algorithm.js';

function ecbCipherName(algorithm: AdminKeyAlgorithm): string {
  return algorithm === '3des' ? 'des-ede3-ecb' : `aes-${algorithm.slice(3)}-ecb`;
}

function assertKey(algorithm: AdminKeyAlgorithm, key: Uint8Array): void {
  const { keyBytes, label } = ADMIN_KEY_SPECS[algorithm];
  if (key.length !== keyBytes) {
    throw new RangeError(`${label} key must be ${keyBytes} bytes, got ${key.length}`);
  }
}

function runEcb(
  encrypt: boolean,
  algorithm: AdminKeyAlgorithm,
  key: Uint8Array,
  data: Uint8Array,
): Uint8Array {
  assertKey(algorithm, key);
  const block = ADMIN_KEY_SPECS[algorithm].challengeBytes;
  if (data.length === 0 || data.length % block !== 0) {
    throw new RangeError(`data must be a whole number of ${block}-byte blocks, got ${data.length} bytes`);
  }
  const cipher = encrypt
    ? createCipheriv(ecbCipherName(algorithm), key, null)
    : createDecipheriv(ecbCipherName(algorithm), key, null);
  cipher.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([cipher.update(data), cipher.final()]));
}

/** Encrypts whole blocks in ECB mode with no padding. */
export function encryptEcb(algorithm: AdminKeyAlgorithm, key: Uint8Array, data: Uint8Array): Uint8Array {
  return runEcb(true, algorithm, key, data);
}

/** Decrypts whole blocks in ECB mode with no padding. */
export function decryptEcb(algorithm: AdminKeyAlgorithm, key: Uint8Array, data: Uint8Array): Uint8Array {
  return runEcb(false, algorithm, key, data);
}

/**
 * The response a card expects for `challenge`: E_K(challenge).
 * @throws RangeError when the key or challenge length does not fit the algorithm.
 * @example toHex(computeAdminResponse('3des', fromHex('0102…0708'), fromHex('0557897F8D84407B'))) === '7716F4B2D7214EB2'
 */
export function computeAdminResponse(
  algorithm: AdminKeyAlgorithm,
  key: Uint8Array,
  challenge: Uint8Array,
): Uint8Array {
  const { challengeBytes } = ADMIN_KEY_SPECS[algorithm];
  if (challenge.length !== challengeBytes) {
    throw new RangeError(
      `challenge must be ${challengeBytes} bytes for ${algorithm}, got ${challenge.length}`,
    );
  }
  return encryptEcb(algorithm, key, challenge);
}

/** Key check value: the first 3 bytes of E_K(0…0), one block. */
export function keyCheckValue(algorithm: AdminKeyAlgorithm, key: Uint8Array): Uint8Array {
  const zero = new Uint8Array(ADMIN_KEY_SPECS[algorithm].challengeBytes);
  return encryptEcb(algorithm, key, zero).slice(0, 3);
}

/** A fresh random admin key of the algorithm's length. */
export function generateAdminKey(algorithm: AdminKeyAlgorithm): Uint8Array {
  return new Uint8Array(randomBytes(ADMIN_KEY_SPECS[algorithm].keyBytes));
}

/**
 * Whether a 3DES key degenerates to single DES (K1 = K2 or K2 = K3, parity bits ignored), as default
 * keys such as the TPM virtual smart card's do. Such keys still work; callers may warn.
 */
export function isDegenerate3desKey(key: Uint8Array): boolean {
  if (key.length !== 24) return false;
  const part = (i: number): string => Array.from(key.slice(8 * i, 8 * i + 8), (b) => b & 0xfe).join(',');
  return part(0) === part(1) || part(1) === part(2);
}
