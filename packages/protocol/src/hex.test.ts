import { describe, expect, it } from 'vitest';
import { fromHex, isHex, toHex } from './hex.js';

describe('hex', () => {
  it('round-trips', () => {
    expect(toHex(fromHex('00ff7a'))).toBe('00FF7A');
  });
  it('refuses odd lengths and non-hex', () => {
    expect(isHex('abc')).toBe(false);
    expect(() => fromHex('zz')).toThrow(RangeError);
  });
});
