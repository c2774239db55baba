/** Passwords the server makes up: the first admin's, an admin's reset, the `reset-password` command's. */
import { secureRandomBytes } from '@cardwarden/protocol/crypto';

/** Letters, digits and `-_.~+=`: safe to paste into a shell, a URL or a password field. */
export const GENERATED_PASSWORD_ALPHABET =
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~+=';

/** 20 characters of a 68-letter alphabet: about 121 bits. */
export const GENERATED_PASSWORD_LENGTH = 20;

/**
 * A random password of {@link GENERATED_PASSWORD_LENGTH} characters from {@link GENERATED_PASSWORD_ALPHABET}.
 * Bytes at or above the largest multiple of the alphabet's size are skipped, so every character is
 * equally likely.
 * @example generatePassword() // "q8T-x~Vb2=Lm.0Zr+aKd"
 */
export function generatePassword(length = GENERATED_PASSWORD_LENGTH): string {
  const size = GENERATED_PASSWORD_ALPHABET.length;
  const limit = Math.floor(256 / size) * size;
  let password = '';
  while (password.length < length) {
    for (const byte of secureRandomBytes(length * 2)) {
      if (byte < limit && password.length < length)
        password += GENERATED_PASSWORD_ALPHABET.charAt(byte % size);
    }
  }
  return password;
}
