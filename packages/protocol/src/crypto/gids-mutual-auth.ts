/**
 * GIDS mutual authentication with the admin key, as OpenSC's gids-tool and the Windows GIDS minidriver
 * perform it (reference §2.4): host random R1 and card random R2 of 16 bytes each; the host sends
 * E_K(R2 ‖ R1 ‖ Z1), the card answers E_K(R1 ‖ R2 ‖ Z2), CBC with a zero IV. Z is random bytes ending in
 * 80 that fill one cipher block (7 + 1 bytes for 3DES: 40 bytes in all).
 */
import { ADMIN_KEY_SPECS, type AdminKeyAlgorithm } from '../admin-key-algorithm.js';
import { decryptCbcZeroIv, encryptCbcZeroIv } from './cbc.js';
import { constantTimeEqual, secureRandomBytes } from './digest.js';

/** Length of R1 and of R2. */
export const GIDS_MUTUAL_RANDOM_BYTES = 16;

/** The two randoms of one mutual authentication. */
export interface GidsMutualRandoms {
  /** The host's random, sent first. */
  readonly r1: Uint8Array;
  /** The card's random, its answer. */
  readonly r2: Uint8Array;
}

/** A fresh Z: random bytes then 80, one cipher block. */
export function gidsMutualPadding(algorithm: AdminKeyAlgorithm): Uint8Array {
  const block = ADMIN_KEY_SPECS[algorithm].challengeBytes;
  const z = new Uint8Array(block);
  z.set(secureRandomBytes(block - 1));
  z[block - 1] = 0x80;
  return z;
}

function checkRandoms({ r1, r2 }: GidsMutualRandoms): void {
  if (r1.length !== GIDS_MUTUAL_RANDOM_BYTES || r2.length !== GIDS_MUTUAL_RANDOM_BYTES) {
    throw new RangeError(
      `R1 and R2 must be ${GIDS_MUTUAL_RANDOM_BYTES} bytes, got ${r1.length} and ${r2.length}`,
    );
  }
}

function seal(
  algorithm: AdminKeyAlgorithm,
  key: Uint8Array,
  first: Uint8Array,
  second: Uint8Array,
  z: Uint8Array,
): Uint8Array {
  const plain = new Uint8Array(first.length + second.length + z.length);
  plain.set(first);
  plain.set(second, first.length);
  plain.set(z, first.length + second.length);
  return encryptCbcZeroIv(algorithm, key, plain);
}

function opens(
  algorithm: AdminKeyAlgorithm,
  key: Uint8Array,
  cryptogram: Uint8Array,
  first: Uint8Array,
  second: Uint8Array,
): boolean {
  const block = ADMIN_KEY_SPECS[algorithm].challengeBytes;
  if (cryptogram.length !== 2 * GIDS_MUTUAL_RANDOM_BYTES + block) return false;
  const plain = decryptCbcZeroIv(algorithm, key, cryptogram);
  const expected = new Uint8Array(2 * GIDS_MUTUAL_RANDOM_BYTES);
  expected.set(first);
  expected.set(second, GIDS_MUTUAL_RANDOM_BYTES);
  const randomsMatch = constantTimeEqual(plain.subarray(0, 2 * GIDS_MUTUAL_RANDOM_BYTES), expected);
  return randomsMatch && plain[plain.length - 1] === 0x80;
}

/** The host's cryptogram E_K(R2 ‖ R1 ‖ Z1). */
export function gidsHostCryptogram(
  algorithm: AdminKeyAlgorithm,
  key: Uint8Array,
  randoms: GidsMutualRandoms,
  z1: Uint8Array = gidsMutualPadding(algorithm),
): Uint8Array {
  checkRandoms(randoms);
  return seal(algorithm, key, randoms.r2, randoms.r1, z1);
}

/** The card's cryptogram E_K(R1 ‖ R2 ‖ Z2). */
export function gidsCardCryptogram(
  algorithm: AdminKeyAlgorithm,
  key: Uint8Array,
  randoms: GidsMutualRandoms,
  z2: Uint8Array = gidsMutualPadding(algorithm),
): Uint8Array {
  checkRandoms(randoms);
  return seal(algorithm, key, randoms.r1, randoms.r2, z2);
}

/** Card side: whether the host's cryptogram decrypts to R2 ‖ R1 ‖ … 80 (what GidsApplet checks). */
export function checkGidsHostCryptogram(
  algorithm: AdminKeyAlgorithm,
  key: Uint8Array,
  randoms: GidsMutualRandoms,
  cryptogram: Uint8Array,
): boolean {
  checkRandoms(randoms);
  return opens(algorithm, key, cryptogram, randoms.r2, randoms.r1);
}

/** Host side: whether the card's cryptogram decrypts to R1 ‖ R2 ‖ … 80 (stricter than OpenSC, which skips Z2). */
export function checkGidsCardCryptogram(
  algorithm: AdminKeyAlgorithm,
  key: Uint8Array,
  randoms: GidsMutualRandoms,
  cryptogram: Uint8Array,
): boolean {
  checkRandoms(randoms);
  return opens(algorithm, key, cryptogram, randoms.r1, randoms.r2);
}
