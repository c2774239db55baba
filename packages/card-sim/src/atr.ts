/**
 * Answers to reset for T=1 software cards (ISO/IEC 7816-3 §8). Advertising T=1 lets pcscd pass responses of
 * any length through without GET RESPONSE (reference §5.3).
 */

/** `3B 8K 80 01 <K historical bytes> TCK`: TD1 and TD2 announce T=1; TCK is the XOR of T0…last byte. */
export function t1Atr(historical: Uint8Array = new Uint8Array()): Uint8Array {
  if (historical.length > 15) throw new RangeError('an ATR has at most 15 historical bytes');
  const body = Uint8Array.from([0x80 | historical.length, 0x80, 0x01, ...historical]);
  const tck = body.reduce((xor, byte) => xor ^ byte, 0);
  return Uint8Array.from([0x3b, ...body, tck]);
}
