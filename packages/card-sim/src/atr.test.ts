import { toHex } from '@cardwarden/protocol/hex';
import { describe, expect, it } from 'vitest';
import { t1Atr } from './atr.js';

describe('t1Atr', () => {
  it('gives the ATR OpenSC’s CI uses for GidsApplet when there are no historical bytes', () => {
    expect(toHex(t1Atr())).toBe('3B80800101');
  });
  it('counts historical bytes in T0 and keeps the check byte right', () => {
    const atr = t1Atr(Uint8Array.of(0x43, 0x57));
    expect(toHex(atr)).toBe('3B828001435717');
    expect(atr.slice(1).reduce((x, b) => x ^ b, 0)).toBe(0);
  });
});
