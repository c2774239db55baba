import { describe, expect, it } from 'vitest';
import { keyEntry } from './admin-key-entry.js';

describe('keyEntry', () => {
  it('takes hex with separators and any case, and knows the length of each algorithm', () => {
    expect(keyEntry('3des', '01 02:03-04')).toEqual({ digits: '01020304', expected: 48, status: 'short' });
    expect(keyEntry('aes128', 'ab'.repeat(16)).status).toBe('complete');
    expect(keyEntry('aes256', 'ab'.repeat(16)).status).toBe('short');
    expect(keyEntry('aes192', 'AB'.repeat(25)).status).toBe('long');
  });

  it('tells an empty field and a character that is not hex apart', () => {
    expect(keyEntry('3des', '  ').status).toBe('empty');
    expect(keyEntry('3des', '0G').status).toBe('not-hex');
  });
});
