/** An error answer from the API (`{"error":{"code","message"}}`), or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly attemptsRemaining: number | undefined;

  constructor(status: number, code: string, message: string, attemptsRemaining?: number) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.attemptsRemaining = attemptsRemaining;
  }
}

export function isApiError(error: unknown, code?: string): error is ApiError {
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
          code,
          typeof message === 'string' ? message : code,
          typeof attempts === 'number' ? attempts : undefined,
        );
      }
    }
  }
  return new ApiError(status, `http.${status}`, `HTTP ${status}`);
}
