/** The admin-key algorithms a card may use, with the sizes the protocol fixes for each. */

export const ADMIN_KEY_ALGORITHMS = ['3des', 'aes128', 'aes192', 'aes256'] as const;
export type AdminKeyAlgorithm = (typeof ADMIN_KEY_ALGORITHMS)[number];

interface AlgorithmSpec {
  /** Key length in bytes. */
  readonly keyBytes: number;
  /** Challenge (and response) length in bytes: one cipher block. */
  readonly challengeBytes: number;
  readonly label: string;
}

/**
 * 3DES uses three-key EDE (24 bytes, parity ignored) on an 8-byte challenge; AES on a 16-byte challenge
 * (minidriver spec, HID Crescendo: 8-byte challenge means 3DES, 16-byte means AES).
 */
export const ADMIN_KEY_SPECS: Readonly<Record<AdminKeyAlgorithm, AlgorithmSpec>> = {
  '3des': { keyBytes: 24, challengeBytes: 8, label: '3DES (3-key)' },
  aes128: { keyBytes: 16, challengeBytes: 16, label: 'AES-128' },
  aes192: { keyBytes: 24, challengeBytes: 16, label: 'AES-192' },
  aes256: { keyBytes: 32, challengeBytes: 16, label: 'AES-256' },
};

export function isAdminKeyAlgorithm(value: string): value is AdminKeyAlgorithm {
  return (ADMIN_KEY_ALGORITHMS as readonly string[]).includes(value);
}

/** Number of hex digits a challenge for `algorithm` has. */
export function challengeHexLength(algorithm: AdminKeyAlgorithm): number {
  return ADMIN_KEY_SPECS[algorithm].challengeBytes * 2;
}
