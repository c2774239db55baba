/**
 * CBC with an all-zero IV and no padding, for 3-key 3DES and AES: the mode of GIDS mutual authentication
 * (reference §2.4: OpenSC notes the minidriver spec is wrong to say ECB).
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { ADMIN_KEY_SPECS, type AdminKeyAlgorithm } from '../admin-key-algorithm.js';

function cbcCipherName(algorithm: AdminKeyAlgorithm): string {
  return algorithm === '3des' ? 'des-ede3-cbc' : `aes-${algorithm.slice(3)}-cbc`;
}

function run(encrypt: boolean, algorithm: AdminKeyAlgorithm, key: Uint8Array, data: Uint8Array): Uint8Array {
  const { keyBytes, challengeBytes: block, label } = ADMIN_KEY_SPECS[algorithm];
  if (key.length !== keyBytes)
    throw new RangeError(`${label} key must be ${keyBytes} bytes, got ${key.length}`);
  if (data.length === 0 || data.length % block !== 0) {
    throw new RangeError(`data must be a whole number of ${block}-byte blocks, got ${data.length} bytes`);
  }
  const iv = new Uint8Array(block);
  const cipher = encrypt
    ? createCipheriv(cbcCipherName(algorithm), key, iv)
    : createDecipheriv(cbcCipherName(algorithm), key, iv);
  cipher.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([cipher.update(data), cipher.final()]));
}

/** Encrypts whole blocks in CBC mode, IV all zero, no padding. */
export function encryptCbcZeroIv(
  algorithm: AdminKeyAlgorithm,
  key: Uint8Array,
  data: Uint8Array,
): Uint8Array {
  return run(true, algorithm, key, data);
}

/** Decrypts whole blocks in CBC mode, IV all zero, no padding. */
export function decryptCbcZeroIv(
  algorithm: AdminKeyAlgorithm,
  key: Uint8Array,
  data: Uint8Array,
): Uint8Array {
  return run(false, algorithm, key, data);
}
