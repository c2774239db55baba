import { describe, expect, it } from 'vitest';
import { parseTryLimit, parseVpcdAddress, resolveAlgorithm } from './card-options.js';

const K48 = '010203040506070801020304050607080102030405060708';

describe('card options', () => {
  it('reads a 48-hex key as 3DES unless --algorithm says otherwise', () => {
    expect(resolveAlgorithm(K48, undefined)).toBe('3des');
    expect(resolveAlgorithm(K48, 'aes192')).toBe('aes192');
    expect(resolveAlgorithm('00'.repeat(16), undefined)).toBe('aes128');
    expect(() => resolveAlgorithm(K48, 'aes128')).toThrow('an AES-128 key has 32 hex digits, got 48');
    expect(() => resolveAlgorithm('0102', undefined)).toThrow(/fits no algorithm/);
    expect(() => resolveAlgorithm(K48, 'des')).toThrow(/must be 3des/);
  });

  it('parses try limits and addresses', () => {
    expect(parseTryLimit('--admin-tries', 'none', true)).toBeNull();
    expect(parseTryLimit('--pin-tries', '5', false)).toBe(5);
    expect(() => parseTryLimit('--pin-tries', 'none', false)).toThrow(/1 to 15$/);
    expect(parseVpcdAddress('127.0.0.1:35964')).toEqual({ host: '127.0.0.1', port: 35964 });
    expect(() => parseVpcdAddress('localhost')).toThrow(/HOST:PORT/);
  });
});
