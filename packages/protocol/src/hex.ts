/** Hex helpers that run in browsers and Node alike (no Buffer). */

const HEX_DIGITS = '0123456789ABCDEF';

/** Upper-case hex of `bytes`. @example toHex(Uint8Array.of(0x0a, 0xff)) === '0AFF' */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += HEX_DIGITS.charAt(byte >> 4) + HEX_DIGITS.charAt(byte & 0x0f);
  return out;
}

/** Whether `text` is an even-length string of hex digits only (either case). */
export function isHex(text: string): boolean {
  return text.length % 2 === 0 && /^[0-9a-fA-F]*$/.test(text);
}

/**
 * Bytes of a strict hex string (no separators).
 * @throws RangeError when `text` is not even-length hex.
 */
export function fromHex(text: string): Uint8Array {
  if (!isHex(text)) throw new RangeError('expected an even number of hex digits');
  const bytes = new Uint8Array(text.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}
