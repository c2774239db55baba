/** Turns `cardwarden-card` options into a card state: parses keys, algorithms and try limits. */
import { isHex } from '@cardwarden/protocol/hex';
import { ADMIN_KEY_SPECS, isAdminKeyAlgorithm, type AdminKeyAlgorithm } from '@cardwarden/protocol/admin-key';
import { CardStateError } from './gids/gids-card-state.js';

/**
 * The algorithm of a key: `--algorithm` if given, else from its length (48 hex digits are 3DES, 32 AES-128,
 * 64 AES-256; an AES-192 key also has 48 digits, so it needs `--algorithm aes192`).
 */
export function resolveAlgorithm(keyHex: string, algorithm: string | undefined): AdminKeyAlgorithm {
  if (!isHex(keyHex)) throw new CardStateError('the key must be hex digits (0-9, A-F) with no separators');
  if (algorithm !== undefined) {
    if (!isAdminKeyAlgorithm(algorithm)) {
      throw new CardStateError(`--algorithm must be 3des, aes128, aes192 or aes256, not "${algorithm}"`);
    }
    const expected = ADMIN_KEY_SPECS[algorithm].keyBytes * 2;
    if (keyHex.length !== expected) {
      throw new CardStateError(
        `an ${ADMIN_KEY_SPECS[algorithm].label} key has ${expected} hex digits, got ${keyHex.length}`,
      );
    }
    return algorithm;
  }
  if (keyHex.length === 48) return '3des';
  if (keyHex.length === 32) return 'aes128';
  if (keyHex.length === 64) return 'aes256';
  throw new CardStateError(
    `a key of ${keyHex.length} hex digits fits no algorithm: use 48 (3DES), 32 or 64 (AES)`,
  );
}

/** A try limit from the command line: 1 to 15, or "none" where allowed. */
export function parseTryLimit(
  name: string,
  text: string | undefined,
  allowNone: boolean,
): number | null | undefined {
  if (text === undefined) return undefined;
  if (allowNone && text === 'none') return null;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 15) {
    throw new CardStateError(`${name} must be a whole number from 1 to 15${allowNone ? ' or "none"' : ''}`);
  }
  return value;
}

/** `HOST:PORT` of vpcd. */
export function parseVpcdAddress(text: string): { host: string; port: number } {
  const match = /^(.+):(\d{1,5})$/.exec(text);
  const port = Number(match?.[2]);
  if (!match?.[1] || port < 1 || port > 65535)
    throw new CardStateError(`--vpcd must be HOST:PORT, got "${text}"`);
  return { host: match[1], port };
}
