/**
 * What a command prints when it fails: one line that says what is wrong and what to do, never a stack
 * trace and never `[object Object]` (PGlite throws plain objects, PostgreSQL's driver AggregateErrors).
 */
import { ConfigError } from './config.js';
import { DataDirLockedError } from './db/data-dir-lock.js';
import { AppError } from './errors.js';
import { KekError } from './keys/kek-file.js';

/** A start-up problem a person can fix (a busy port, an unreachable database), already worded for them. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/** Failures a person can fix (configuration, KEK file, a held data directory): say what and how, no stack trace. */
export function isOperatorFixable(error: unknown): error is Error {
  return (
    error instanceof ConfigError ||
    error instanceof KekError ||
    error instanceof DataDirLockedError ||
    error instanceof StartupError ||
    error instanceof AppError
  );
}

/** System error codes, with what they mean and what to do. */
const SYSTEM_ERRORS: Record<string, { meaning: string; advice: string }> = {
  ENOSPC: { meaning: 'the disk is full', advice: 'free some space, then start again' },
  EDQUOT: { meaning: 'the disk quota is used up', advice: 'free some space, then start again' },
  EACCES: {
    meaning: 'permission denied',
    advice: 'let the user that runs Cardwarden read and write it (check the owner and mode)',
  },
  EPERM: {
    meaning: 'operation not permitted',
    advice: 'let the user that runs Cardwarden read and write it (check the owner and mode)',
  },
  EROFS: { meaning: 'the file system is read-only', advice: 'use a writable DATA_DIR' },
  ENOENT: { meaning: 'it does not exist', advice: 'check the path in your configuration' },
  ENOTDIR: {
    meaning: 'a part of the path is not a directory',
    advice: 'check the path in your configuration',
  },
  EISDIR: { meaning: 'it is a directory, not a file', advice: 'check the path in your configuration' },
  EIO: { meaning: 'the disk reported an I/O error', advice: 'check the disk' },
  ECONNREFUSED: { meaning: 'the connection was refused', advice: 'check that the server runs there' },
  ETIMEDOUT: { meaning: 'the connection timed out', advice: 'check the address and the network' },
  ENOTFOUND: { meaning: 'the host name is unknown', advice: 'check the host name' },
  EAI_AGAIN: { meaning: 'the host name could not be looked up', advice: 'check the host name and DNS' },
  EHOSTUNREACH: { meaning: 'the host cannot be reached', advice: 'check the address and the network' },
};

/** Emscripten's errno numbers, as PGlite's file system reports them (`{ name: 'ErrnoError', errno }`). */
const EMSCRIPTEN_ERRNO: Record<number, string> = {
  2: 'EACCES',
  20: 'EEXIST',
  29: 'EIO',
  31: 'EISDIR',
  44: 'ENOENT',
  51: 'ENOSPC',
  54: 'ENOTDIR',
  63: 'EPERM',
  69: 'EROFS',
};

function field(error: unknown, name: string): unknown {
  return typeof error === 'object' && error !== null && name in error
    ? (error as Record<string, unknown>)[name]
    : undefined;
}

function systemCode(error: unknown): string | undefined {
  const code = field(error, 'code');
  if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
  const errno = field(error, 'errno');
  if (field(error, 'name') === 'ErrnoError' && typeof errno === 'number') return EMSCRIPTEN_ERRNO[errno];
  return undefined;
}

/** The first line of a message, without Node's "code: syscall path" prefix doubling what we say. */
function firstLine(text: string): string {
  return text.split('\n')[0]?.trim() ?? '';
}

/**
 * A readable sentence for any thrown value: never a stack trace, never `[object Object]`. Without
 * `advice`, only what went wrong (for callers that give their own advice).
 */
export function reasonOf(error: unknown, advice = true): string {
  if (error instanceof AggregateError && error.errors.length > 0) return reasonOf(error.errors[0], advice);
  const code = systemCode(error);
  const known = code ? SYSTEM_ERRORS[code] : undefined;
  if (code && known) {
    const path = field(error, 'path') ?? field(error, 'address');
    const port = field(error, 'port');
    const where =
      typeof path === 'string' ? ` on ${path}${typeof port === 'number' ? `:${String(port)}` : ''}` : '';
    return `${known.meaning}${where} [${code}]${advice ? `: ${known.advice}` : ''}`;
  }
  const message = field(error, 'message');
  if (typeof message === 'string' && message.trim() !== '') {
    return code ? `${firstLine(message)} [${code}]` : firstLine(message);
  }
  if (typeof error === 'string') return firstLine(error);
  const name = field(error, 'name');
  return typeof name === 'string' ? `${name}${code ? ` [${code}]` : ''}` : 'an unknown error';
}

/** The one line to print when a command fails. */
export function describeFailure(error: unknown): string {
  if (isOperatorFixable(error)) return firstLine(error.message);
  const code = systemCode(error instanceof AggregateError ? error.errors[0] : error);
  // A known system error (a full disk, a file it may not read) is something to fix, not a mystery.
  if (code && SYSTEM_ERRORS[code]) return reasonOf(error);
  return `unexpected failure: ${reasonOf(error)}`;
}
