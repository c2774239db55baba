/**
 * Recovery codes: ten single-use codes of 80 random bits each, shown once, stored as SHA-256 digests.
 * 80 bits make a plain digest safe against guessing from a stolen database, so no slow hash is needed.
 */
import { constantTimeEqual, secureRandomBytes, sha256Hex } from '@cardwarden/protocol/crypto';

export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** 16 base32 characters (80 bits) from 10 random bytes. */
function base32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET.charAt((value >>> (bits - 5)) & 31);
      bits -= 5;
    }
  }
  return out;
}

/** The digest stored for a code; `normalized` is lower case without dashes (the contract normalizes). */
export function recoveryCodeDigest(normalized: string): string {
  return sha256Hex(`cardwarden recovery code:${normalized}`);
}

/** New codes as people see them (`abcd-efgh-ijkm-nopq`) and the digests to store. */
export function newRecoveryCodes(): { codes: string[]; digests: string[] } {
  const codes: string[] = [];
  const digests: string[] = [];
  for (let i = 0; i < RECOVERY_CODE_COUNT; i++) {
    const raw = base32(secureRandomBytes(10));
    codes.push(raw.match(/.{4}/g)?.join('-') ?? raw);
    digests.push(recoveryCodeDigest(raw));
  }
  return { codes, digests };
}

/** Which stored code `normalized` is, comparing every digest in constant time. */
export function matchRecoveryCode<T extends { codeHash: string }>(
  normalized: string,
  stored: readonly T[],
): T | undefined {
  const digest = recoveryCodeDigest(normalized);
  let found: T | undefined;
  // No early exit: the time does not tell which position matched.
  for (const candidate of stored) if (constantTimeEqual(candidate.codeHash, digest)) found = candidate;
  return found;
}
