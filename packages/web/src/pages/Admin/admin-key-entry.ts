/**
 * The admin key as an admin types it: hex with spaces, colons or dashes between groups. Says, as the
 * person types, how far along the key is, so that the key check value is asked for only once the
 * length fits the algorithm.
 */
import { ADMIN_KEY_SPECS, type AdminKeyAlgorithm } from '@cardwarden/protocol/admin-key';

export type KeyEntryStatus = 'empty' | 'short' | 'complete' | 'long' | 'not-hex';

export interface KeyEntry {
  /** The hex digits typed, upper case, separators removed. */
  readonly digits: string;
  /** Hex digits a key of the algorithm has. */
  readonly expected: number;
  readonly status: KeyEntryStatus;
}

export function keyEntry(algorithm: AdminKeyAlgorithm, text: string): KeyEntry {
  const digits = text.replace(/[\s:-]/g, '').toUpperCase();
  const expected = ADMIN_KEY_SPECS[algorithm].keyBytes * 2;
  let status: KeyEntryStatus;
  if (digits === '') status = 'empty';
  else if (!/^[0-9A-F]+$/.test(digits)) status = 'not-hex';
  else if (digits.length < expected) status = 'short';
  else if (digits.length > expected) status = 'long';
  else status = 'complete';
  return { digits, expected, status };
}
