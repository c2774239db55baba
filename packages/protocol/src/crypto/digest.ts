/** Digests, constant-time comparison and random tokens. */
import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/** SHA-256 of `data`, hex. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** HMAC-SHA-256 of `data` under `key`, hex. */
export function hmacSha256Hex(key: Uint8Array, data: string | Uint8Array): string {
  return createHmac('sha256', key).update(data).digest('hex');
}

/**
 * Compares two secrets in constant time (for their common length). Different lengths compare unequal;
 * hashing both first keeps the length of the secret out of the timing.
 */
export function constantTimeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}

/** A random bearer token, base64url, 256 bits. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Cryptographically random bytes. */
export function secureRandomBytes(length: number): Uint8Array {
  return new Uint8Array(randomBytes(length));
}

/** A uniformly random whole number from 0 to `max` - 1, from a secure source. */
export function secureRandomInt(max: number): number {
  return randomInt(max);
}
