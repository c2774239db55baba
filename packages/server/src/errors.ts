import { ERROR_CODES, type ErrorCode } from '@cardwarden/contract';
import type { Refusal } from '@cardwarden/contract/policy';

/**
 * A failure the client can act on. Services throw it; the error handler turns it into
 * `{"error":{"code","message"}}` with the code's status. `extra` fields go beside `error` (for example
 * `attemptsRemaining`).
 */
export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: Readonly<Record<string, string | number | boolean | null>> = {},
  ) {
    super(message);
  }

  get status(): number {
    return ERROR_CODES[this.code];
  }
}

/** The policy's refusal as the error the client gets: its code, message and fields, as they are. */
export function refusalError(refusal: Refusal): AppError {
  return new AppError(refusal.code, refusal.message, refusal.details);
}

/** The 429 of a server too busy for this kind of request now (`code`), with Retry-After and `advice`. */
export function busy(code: ErrorCode, retryAfter: number, advice: string | undefined): AppError {
  return new AppError(
    code,
    `the server is busy with many requests like this one; wait ${retryAfter} second${retryAfter === 1 ? '' : 's'} and try again${advice ? `, or ${advice}` : ''}`,
    { retryAfter },
  );
}

/** PostgreSQL's unique-violation, as both drivers report it. */
export function isUniqueViolation(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 3 && current; depth++) {
    if (typeof current === 'object' && 'code' in current && current.code === '23505') return true;
    current = typeof current === 'object' && 'cause' in current ? current.cause : undefined;
  }
  return false;
}
