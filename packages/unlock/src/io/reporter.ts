/** Where results go: one JSON line per message for scripts, or sentences for people. */
import type { UnlockFailure } from '../unlock-failure.js';

export interface Reporter {
  readonly json: boolean;
  /** A line for people (standard error in JSON mode, so standard output stays machine-readable). */
  say(text: string): void;
  /** One JSON object on its own line (JSON mode only). */
  emit(value: object): void;
  fail(failure: UnlockFailure): void;
}

export function createReporter(
  json: boolean,
  stdout: NodeJS.WritableStream = process.stdout,
  stderr: NodeJS.WritableStream = process.stderr,
): Reporter {
  return {
    json,
    say(text) {
      (json ? stderr : stdout).write(`${text}\n`);
    },
    emit(value) {
      if (json) stdout.write(`${JSON.stringify(value)}\n`);
    },
    fail(failure) {
      if (json) {
        const extra = failure.attemptsLeft === undefined ? {} : { attemptsLeft: failure.attemptsLeft };
        stdout.write(
          `${JSON.stringify({ result: 'failed', code: failure.code, message: failure.message, ...extra })}\n`,
        );
      } else {
        stderr.write(`cardwarden-unlock: ${failure.message}\n`);
      }
    },
  };
}
