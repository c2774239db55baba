/**
 * The data directory and the KEK file are for the server's user alone. The embedded database creates
 * its files as 0666 (less the umask), so the entry points set a strict umask and the tree is tightened
 * after the database opens and after it closes; what an operator set up too openly is refused at start
 * with the command that fixes it. Only the data directory, what is under it and the KEK file are
 * checked: their parents may be shared (like /tmp).
 */
import { chmodSync, lstatSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** A file or directory that other users may read or write; the message says how to fix it. */
export class FilePermissionError extends Error {
  override readonly name = 'FilePermissionError';
}

/** Permission bits that let anyone but the owner in. */
const OTHERS = 0o077;

const octal = (mode: number): string => (mode & 0o777).toString(8).padStart(4, '0');

/** Makes the process create files for its own user only (the embedded database asks for 0666). */
export function useStrictUmask(): void {
  process.umask(0o077);
}

/**
 * Creates `dir` with mode 0700, or checks that an existing one is closed to other users.
 * @throws FilePermissionError with the chmod command when others may enter, list or write it.
 */
export function preparePrivateDir(dir: string, what = 'the data directory'): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const mode = statSync(dir).mode;
  if ((mode & OTHERS) !== 0) {
    throw new FilePermissionError(
      `${what} ${dir} is open to other users (mode ${octal(mode)}): run "chmod 700 ${dir}" and start again`,
    );
  }
}

/**
 * Refuses a secret file that others may read or write.
 * @throws FilePermissionError with the chmod command.
 */
export function assertPrivateFile(path: string, what: string): void {
  const mode = statSync(path).mode;
  if ((mode & OTHERS) !== 0) {
    throw new FilePermissionError(
      `${what} ${path} is open to other users (mode ${octal(mode)}): run "chmod 600 ${path}" and start again`,
    );
  }
}

/**
 * Takes every permission of group and others off `dir` and everything under it (symbolic links are
 * left alone: their own mode means nothing and their target may be elsewhere).
 */
export function restrictTree(dir: string): void {
  const stat = lstatSync(dir, { throwIfNoEntry: false });
  if (!stat || stat.isSymbolicLink()) return;
  if ((stat.mode & OTHERS) !== 0) chmodSync(dir, stat.mode & 0o700);
  if (!stat.isDirectory()) return;
  for (const entry of readdirSync(dir)) restrictTree(join(dir, entry));
}

/** Paths under `dir` (and `dir` itself) that group or others may use: what a check or a test reports. */
export function entriesOpenToOthers(dir: string): string[] {
  const open: string[] = [];
  const visit = (path: string): void => {
    const stat = lstatSync(path, { throwIfNoEntry: false });
    if (!stat || stat.isSymbolicLink()) return;
    if ((stat.mode & OTHERS) !== 0) open.push(`${octal(stat.mode)} ${path}`);
    if (stat.isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry));
  };
  visit(dir);
  return open;
}
