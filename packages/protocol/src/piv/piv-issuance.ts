/**
 * What issuance writes to a PIV card (YubiKey extensions, reference §3.4) and the card's help-desk PUK.
 *
 * A PIV card has no challenge/response unblock: its PIN is unblocked with the PUK. A card issued by
 * Cardwarden gets a PUK the server can compute from the card's management key, so that the help desk's
 * usual flow unblocks it: the unlock tool shows the card's fixed PUK challenge (`pivPukChallenge`), the
 * help desk's response is E_K(challenge) as for any card, and the tool turns that response into the PUK
 * (`pivPukFromResponse`) for RESET RETRY COUNTER. See docs/issuance.md.
 */
import { ADMIN_KEY_SPECS, type AdminKeyAlgorithm } from '../admin-key-algorithm.js';
import { asciiBytes } from '../apdu/bytes.js';
import { encodeCommandApdu } from '../apdu/command-apdu.js';
import {
  PIV_ALGORITHM_IDS,
  PIV_MANAGEMENT_KEY_REFERENCE,
  PIV_PUK_REFERENCE,
  pivChangeReferenceData,
} from './piv-commands.js';

/** What a YubiKey's PIN and PUK are from the factory, and again after SET PIN RETRIES. */
export const YUBIKEY_DEFAULT_PIN = '123456';
export const YUBIKEY_DEFAULT_PUK = '12345678';
/** The PUK's length: eight decimal digits. */
export const PIV_PUK_DIGITS = 8;

/**
 * Yubico SET MANAGEMENT KEY, no touch: `00 FF FF FF Lc <alg> 9B <len> <key>` (reference §3.4).
 * @throws RangeError when the key length does not fit the algorithm.
 */
export function yubicoSetManagementKey(algorithm: AdminKeyAlgorithm, key: Uint8Array): Uint8Array {
  const { keyBytes, label } = ADMIN_KEY_SPECS[algorithm];
  if (key.length !== keyBytes) {
    throw new RangeError(`a ${label} management key is ${keyBytes} bytes, got ${key.length}`);
  }
  return encodeCommandApdu({
    cla: 0,
    ins: 0xff,
    p1: 0xff,
    p2: 0xff,
    data: Uint8Array.of(PIV_ALGORITHM_IDS[algorithm], PIV_MANAGEMENT_KEY_REFERENCE, key.length, ...key),
  });
}

/**
 * Yubico SET PIN RETRIES: `00 FA <PIN tries> <PUK tries>`. The card wants the management key
 * authenticated and the PIN verified, and sets the PIN and PUK back to their defaults.
 * @throws RangeError for tries outside 1–15 (what the card keeps in its counter's nibble).
 */
export function yubicoSetPinRetries(pinTries: number, pukTries: number): Uint8Array {
  for (const [name, tries] of [
    ['PIN', pinTries],
    ['PUK', pukTries],
  ] as const) {
    if (!Number.isInteger(tries) || tries < 1 || tries > 15) {
      throw new RangeError(`${name} tries are 1 to 15, got ${tries}`);
    }
  }
  return encodeCommandApdu({ cla: 0, ins: 0xfa, p1: pinTries, p2: pukTries, data: new Uint8Array() });
}

/** CHANGE REFERENCE DATA of the PUK from the default SET PIN RETRIES leaves to `puk`. */
export function pivSetPukFromDefault(puk: string): Uint8Array {
  return pivChangeReferenceData(PIV_PUK_REFERENCE, YUBIKEY_DEFAULT_PUK, puk);
}

/**
 * The fixed challenge whose response gives a Cardwarden-issued PIV card's PUK: ASCII `PUK` and the
 * card's serial, cut or padded with zero bytes to the management key's block (8 bytes for 3DES, 16 for AES).
 * @example toHex(pivPukChallenge('3des', '12345678')) === '50554B3132333435'
 */
export function pivPukChallenge(algorithm: AdminKeyAlgorithm, serial: string): Uint8Array {
  const block = new Uint8Array(ADMIN_KEY_SPECS[algorithm].challengeBytes);
  const text = asciiBytes(`PUK${serial}`);
  block.set(text.subarray(0, block.length));
  return block;
}

/**
 * The PUK from the response to `pivPukChallenge`: its first eight bytes, each taken modulo 10 as one
 * decimal digit.
 * @throws RangeError for a response shorter than eight bytes.
 */
export function pivPukFromResponse(response: Uint8Array): string {
  if (response.length < PIV_PUK_DIGITS) {
    throw new RangeError(
      `a PUK needs a response of at least ${PIV_PUK_DIGITS} bytes, got ${response.length}`,
    );
  }
  return Array.from(response.subarray(0, PIV_PUK_DIGITS), (byte) => String(byte % 10)).join('');
}
