/**
 * Per-card admin keys derived from a master key: NIST SP 800-108r1 KDF in counter mode, AES-CMAC as the
 * PRF. Other card-management systems must reproduce this byte for byte, so the encoding is fixed here
 * and documented in docs/key-custody.md ("Key derivation"):
 *
 *   K(i)  = CMAC(master, [i]_32 ‖ Label ‖ 0x00 ‖ Context ‖ [L]_32)     i = 1, 2, …
 *   Label = ASCII "cardwarden admin key v1"
 *   Context = [version]_32 ‖ UTF-8(serial), the serial trimmed and ASCII letters upper-cased
 *   L     = the admin key's length in bits (3DES 192, AES-128 128, AES-192 192, AES-256 256)
 *   key   = the first L bits of K(1) ‖ K(2) ‖ …; for 3DES each byte then gets odd parity (bit 0)
 *
 * Integers are big-endian. The counter first, 32 bits, with the 0x00 separator and L after the context,
 * is the layout of OpenSSL 3's KBKDF (`mode:counter`, its defaults) and of the NIST CAVP KBKDF tests
 * with the counter "BEFORE_FIXED", r = 32.
 *
 * The PRF is passed in, so the same code derives with a master in memory (`aesCmac`) or on an HSM
 * (CKM_AES_CMAC through C_Sign) where the master never leaves the token.
 */
import { ADMIN_KEY_SPECS, type AdminKeyAlgorithm } from '../admin-key-algorithm.js';
import { aesCmac } from './cmac.js';

/** A pseudo-random function keyed by the master: 16 bytes of AES-CMAC per call. */
export type KdfPrf = (data: Uint8Array) => Uint8Array;

export const ADMIN_KEY_DERIVATION = 'sp800-108-ctr-cmac-v1';
export const ADMIN_KEY_KDF_LABEL = 'cardwarden admin key v1';
const PRF_OUTPUT_BYTES = 16;

const u32 = (n: number): Uint8Array => {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`${n} is not a 32-bit count`);
  return Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
};

/**
 * SP 800-108 counter mode, counter [i]_32 before the fixed input `Label ‖ 0x00 ‖ Context ‖ [L]_32`.
 * @param outputBytes L / 8
 */
export function kbkdfCounter(
  prf: KdfPrf,
  label: Uint8Array,
  context: Uint8Array,
  outputBytes: number,
): Uint8Array {
  if (!Number.isInteger(outputBytes) || outputBytes <= 0 || outputBytes > 0x1fffffff) {
    throw new RangeError(`cannot derive ${outputBytes} bytes`);
  }
  const fixed = new Uint8Array(label.length + 1 + context.length + 4);
  fixed.set(label, 0);
  fixed[label.length] = 0x00;
  fixed.set(context, label.length + 1);
  fixed.set(u32(outputBytes * 8), label.length + 1 + context.length);

  const rounds = Math.ceil(outputBytes / PRF_OUTPUT_BYTES);
  const out = new Uint8Array(rounds * PRF_OUTPUT_BYTES);
  const input = new Uint8Array(4 + fixed.length);
  input.set(fixed, 4);
  for (let i = 1; i <= rounds; i++) {
    input.set(u32(i), 0);
    const block = prf(input);
    if (block.length !== PRF_OUTPUT_BYTES) throw new RangeError('the KDF PRF must answer 16 bytes');
    out.set(block, (i - 1) * PRF_OUTPUT_BYTES);
    block.fill(0);
  }
  const key = out.slice(0, outputBytes);
  out.fill(0);
  return key;
}

/** The serial as the derivation reads it: trimmed, ASCII letters upper-cased (serials match case-insensitively). */
export function derivationSerial(serial: string): string {
  const trimmed = serial.trim();
  if (trimmed.length === 0) throw new RangeError('a card serial is needed to derive its key');
  return trimmed.replace(/[a-z]/g, (c) => c.toUpperCase());
}

/** Context = [version]_32 ‖ UTF-8(serial). */
export function adminKeyDerivationContext(serial: string, version: number): Uint8Array {
  const text = new TextEncoder().encode(derivationSerial(serial));
  const context = new Uint8Array(4 + text.length);
  context.set(u32(version), 0);
  context.set(text, 4);
  return context;
}

/** Sets bit 0 of each byte so that every byte has an odd number of set bits (DES key parity). */
export function setOddParity(key: Uint8Array): Uint8Array {
  for (let i = 0; i < key.length; i++) {
    const b = (key[i] ?? 0) & 0xfe;
    let ones = 0;
    for (let v = b; v !== 0; v >>>= 1) ones += v & 1;
    key[i] = ones % 2 === 0 ? b | 1 : b;
  }
  return key;
}

/**
 * The admin key of the card `serial` under master version `version`, with `prf` keyed by that master.
 * 3DES keys come out with odd parity, as cards and personalisation tools expect.
 */
export function deriveAdminKeyWith(
  prf: KdfPrf,
  algorithm: AdminKeyAlgorithm,
  serial: string,
  version: number,
): Uint8Array {
  const key = kbkdfCounter(
    prf,
    new TextEncoder().encode(ADMIN_KEY_KDF_LABEL),
    adminKeyDerivationContext(serial, version),
    ADMIN_KEY_SPECS[algorithm].keyBytes,
  );
  return algorithm === '3des' ? setOddParity(key) : key;
}

/** {@link deriveAdminKeyWith} with the master in memory (AES-128/192/256). */
export function deriveAdminKey(
  master: Uint8Array,
  algorithm: AdminKeyAlgorithm,
  serial: string,
  version: number,
): Uint8Array {
  return deriveAdminKeyWith((data) => aesCmac(master, data), algorithm, serial, version);
}
