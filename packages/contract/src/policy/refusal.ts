import type { ErrorCode } from '../error-codes.js';

/**
 * A "no" from the policy: the contract's error code, the message for people, and the fields that go
 * beside the error (for example `attemptsRemaining`). The server throws it as it is; nothing maps one
 * code to another.
 */
export interface Refusal {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details?: Readonly<Record<string, number>>;
}
