/**
 * AES-CMAC (NIST SP 800-38B, RFC 4493), built on one-block AES-ECB: node:crypto has no CMAC of its own
 * on Node 20. Used as the PRF of the admin-key derivation (kbkdf.ts).
 */
import { createCipheriv } from 'node:crypto';

const BLOCK = 16;
/** R_128 of SP 800-38B §5.3: the constant folded in when a doubled subkey overflows. */
const RB = 0x87;

function aesEcbName(key: Uint8Array): string {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
    throw new RangeError(`AES-CMAC key must be 16, 24 or 32 bytes, got ${key.length}`);
  }
  return `aes-${key.length * 8}-ecb`;
}

/** Doubling in GF(2^128): shift left one bit, xor Rb into the last byte when the top bit fell off. */
function double(block: Uint8Array): Uint8Array {
  const out = new Uint8Array(BLOCK);
  for (let i = 0; i < BLOCK; i++) {
    out[i] = ((block[i] ?? 0) << 1) | ((block[i + 1] ?? 0) >>> 7);
  }
  if (((block[0] ?? 0) & 0x80) !== 0) out[BLOCK - 1] = (out[BLOCK - 1] ?? 0) ^ RB;
  return out;
}

/**
 * The CMAC of `message` under the AES key `key` (16, 24 or 32 bytes): 16 bytes.
 * @example toHex(aesCmac(fromHex('2B7E151628AED2A6ABF7158809CF4F3C'), new Uint8Array())) === 'BB1D6929E95937287FA37D129B756746'
 */
export function aesCmac(key: Uint8Array, message: Uint8Array): Uint8Array {
  const cipher = createCipheriv(aesEcbName(key), key, null);
  cipher.setAutoPadding(false);
  const encrypt = (block: Uint8Array): Uint8Array => new Uint8Array(cipher.update(block));

  const l = encrypt(new Uint8Array(BLOCK));
  const k1 = double(l);
  const k2 = double(k1);
  const blocks = Math.max(1, Math.ceil(message.length / BLOCK));
  const complete = message.length > 0 && message.length % BLOCK === 0;

  // The last block: xor K1 when it is whole, else pad with 10…0 and xor K2.
  const last = new Uint8Array(BLOCK);
  const tail = message.subarray((blocks - 1) * BLOCK);
  last.set(tail);
  if (!complete) last[tail.length] = 0x80;
  const subkey = complete ? k1 : k2;
  for (let i = 0; i < BLOCK; i++) last[i] = (last[i] ?? 0) ^ (subkey[i] ?? 0);

  let x: Uint8Array = new Uint8Array(BLOCK);
  for (let b = 0; b < blocks; b++) {
    const input = b === blocks - 1 ? last : message.subarray(b * BLOCK, (b + 1) * BLOCK);
    const y = new Uint8Array(BLOCK);
    for (let i = 0; i < BLOCK; i++) y[i] = (x[i] ?? 0) ^ (input[i] ?? 0);
    x.fill(0);
    x = encrypt(y);
    y.fill(0);
  }
  l.fill(0);
  k1.fill(0);
  k2.fill(0);
  last.fill(0);
  cipher.final();
  return x;
}
