/** Password and secret-answer hashing: argon2id with OWASP's recommended parameters. */
import { hash, verify, type Options } from '@node-rs/argon2';

// `algorithm: 2` is Argon2id; the package's enum is a const enum that isolated modules cannot import.
// eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- see above
const OPTIONS: Options = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

// Verified against when the account does not exist, so that a wrong username takes as long as a wrong
// password and the timing does not tell which accounts exist.
let decoy: Promise<string> | undefined;

/** Checks `password` against `passwordHash` (constant time inside argon2); a missing hash never matches. */
export async function verifyPassword(
  passwordHash: string | null | undefined,
  password: string,
): Promise<boolean> {
  if (!passwordHash) {
    decoy ??= hashPassword('cardwarden decoy password');
    await verify(await decoy, password).catch(() => false);
    return false;
  }
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}
