/** Reading and writing the KEK file: 64 hex digits, mode 0600. */
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { fromHex, toHex } from '@cardwarden/protocol/hex';
import { KEK_BYTES } from '@cardwarden/protocol/crypto';
import { assertPrivateFile } from '../db/private-files.js';

export class KekError extends Error {
  override readonly name = 'KekError';
}

/**
 * Reads a KEK file, or returns undefined when there is none.
 * @throws FilePermissionError when other users may read or write it (with the chmod that fixes it).
 */
export function readKekFile(path: string): Uint8Array | undefined {
  if (!existsSync(path)) return undefined;
  assertPrivateFile(path, 'the KEK file');
  const text = readFileSync(path, 'utf8').trim();
  if (!new RegExp(`^[0-9a-fA-F]{${KEK_BYTES * 2}}$`).test(text)) {
    throw new KekError(
      `the KEK file ${path} does not hold a key (${KEK_BYTES * 2} hex digits); restore it from your key backup`,
    );
  }
  return fromHex(text);
}

/**
 * Writes a KEK file with mode 0600. With `exclusive`, fails with EEXIST when the file exists (two
 * instances creating the first KEK at once: the loser reads the winner's).
 */
export function writeKekFile(path: string, kek: Uint8Array, exclusive: boolean): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const fd = openSync(path, exclusive ? 'wx' : 'w', 0o600);
  try {
    writeSync(fd, `${toHex(kek)}\n`);
  } finally {
    closeSync(fd);
  }
  chmodSync(path, 0o600);
}

/**
 * Puts `<file>.new` (a rotated KEK) in place, keeping the current file as `<file>.retired-<time>` for
 * restoring older database backups. Returns the retired file's path.
 */
export function installPendingKek(kekFile: string): string {
  const retired = `${kekFile}.retired-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  if (existsSync(kekFile)) renameSync(kekFile, retired);
  renameSync(`${kekFile}.new`, kekFile);
  return retired;
}
