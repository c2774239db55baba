// Types only: the contract's zod schemas stay out of the browser bundle.
import type { ErrorCode } from '@cardwarden/contract';

/** What the client reports itself: no answer at all (`network`), or an answer not in the API's format. */
export type ClientErrorCode = 'network' | `http.${number}`;
/** The codes the web app branches on: the contract's, typed, so a misspelt or removed code fails to compile. */
export type ApiErrorCode = ErrorCode | ClientErrorCode;

/** An error answer from the API (`{"error":{"code","message"}}`), or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly attemptsRemaining: number | undefined;

  constructor(status: number, code: ApiErrorCode, message: string, attemptsRemaining?: number) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.attemptsRemaining = attemptsRemaining;
  }
}

/** `error` is an API error, and when `code` is given, one with that code. */
export function isApiError(error: unknown, code?: ApiErrorCode): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}

/** Reads an error body defensively: proxies and crashed servers do not answer in our format. */
export function toApiError(status: number, body: unknown): ApiError {
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const { error } = body as { error: unknown; attemptsRemaining?: unknown };
    const attempts = (body as { attemptsRemaining?: unknown }).attemptsRemaining;
    if (typeof error === 'object' && error !== null) {
      const { code, message } = error as { code?: unknown; message?: unknown };
      if (typeof code === 'string') {
        return new ApiError(
          status,
          // The server checks every error body against the contract (`ErrorBody`): its codes are ErrorCodes.
          code as ErrorCode,
          typeof message === 'string' ? message : code,
          typeof attempts === 'number' ? attempts : undefined,
        );
      }
    }
  }
  return new ApiError(status, `http.${status}`, `HTTP ${status}`);
}
