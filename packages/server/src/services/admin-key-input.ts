/** Admin keys as an admin types them: parsed and checked the same way for registration and the live KCV. */
import { fromHex, toHex } from '@cardwarden/protocol/hex';
import { ADMIN_KEY_SPECS, type AdminKeyAlgorithm } from '@cardwarden/protocol/admin-key';
import { generateAdminKey, isDegenerate3desKey, keyCheckValue } from '@cardwarden/protocol/crypto';
import type { AdminKeyInput } from '@cardwarden/contract';
import { AppError } from '../errors.js';

/** The key bytes from hex as an admin would paste it (spaces, colons and dashes allowed). Never echoes the key. */
export function parseAdminKey(algorithm: AdminKeyAlgorithm, text: string): Uint8Array {
  const digits = text.replace(/[\s:-]/g, '');
  const { keyBytes, label } = ADMIN_KEY_SPECS[algorithm];
  if (!/^[0-9a-fA-F]*$/.test(digits)) {
    throw new AppError('card.invalid_admin_key', 'the admin key must be hex digits (0-9, A-F)');
  }
  if (digits.length !== keyBytes * 2) {
    throw new AppError(
      'card.invalid_admin_key',
      `a ${label} admin key is ${keyBytes * 2} hex digits, this one has ${digits.length}`,
    );
  }
  return fromHex(digits);
}

/** A typed or generated key; a derived one (`derive: true`) is made by keys/card-admin-key.ts. */
export function adminKeyBytes(input: AdminKeyInput): { key: Uint8Array; source: 'imported' | 'generated' } {
  if ('derive' in input) {
    throw new AppError('profile.not_deriving', 'a derived key needs a profile that derives admin keys');
  }
  return 'key' in input
    ? { key: parseAdminKey(input.algorithm, input.key), source: 'imported' }
    : { key: generateAdminKey(input.algorithm), source: 'generated' };
}

/** Why a key is weak, or null. */
export function weakKeyWarning(algorithm: AdminKeyAlgorithm, key: Uint8Array): string | null {
  return algorithm === '3des' && isDegenerate3desKey(key)
    ? 'this 3DES key has equal parts and is as weak as single DES; replace it with a random key when the card is reissued'
    : null;
}

/**
 * The key check value of a typed key, so the admin sees it match the card's before registering.
 * Nothing is stored or logged; the key bytes are wiped.
 */
export function checkAdminKey(
  algorithm: AdminKeyAlgorithm,
  text: string,
): { kcv: string; warning: string | null } {
  const key = parseAdminKey(algorithm, text);
  try {
    return { kcv: toHex(keyCheckValue(algorithm, key)), warning: weakKeyWarning(algorithm, key) };
  } finally {
    key.fill(0);
  }
}
