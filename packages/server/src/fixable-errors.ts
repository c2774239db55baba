import { ConfigError } from './config.js';
import { DataDirLockedError } from './db/data-dir-lock.js';
import { FilePermissionError } from './db/private-files.js';
import { KekError } from './keys/kek-file.js';

/** Failures a person can fix (configuration, KEK file, a held data directory): say what and how, no stack trace. */
export function isOperatorFixable(error: unknown): error is Error {
  return (
    error instanceof ConfigError ||
    error instanceof KekError ||
    error instanceof DataDirLockedError ||
    error instanceof FilePermissionError
  );
}

/** The one line to print when a command fails. */
export function describeFailure(error: unknown): string {
  if (isOperatorFixable(error)) return error.message;
  return `unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
}
