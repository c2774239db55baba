import { describe, expect, it } from 'vitest';
import { GENERATED_PASSWORD_ALPHABET, generatePassword } from './generated-password.js';

describe('generatePassword', () => {
  it('makes 20 characters from letters, digits and -_.~+=, different each time', () => {
    const passwords = Array.from({ length: 200 }, () => generatePassword());
    for (const password of passwords) expect(password).toMatch(/^[A-Za-z0-9\-_.~+=]{20}$/);
    expect(new Set(passwords).size).toBe(passwords.length);
  });

  it('uses the whole alphabet', () => {
    const seen = new Set(Array.from({ length: 400 }, () => generatePassword()).join(''));
    expect(GENERATED_PASSWORD_ALPHABET.split('').filter((c) => !seen.has(c))).toEqual([]);
  });
});
