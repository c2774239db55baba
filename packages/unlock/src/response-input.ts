/**
 * Reads the response the help desk dictates, as forgivingly as the server reads challenges: either case,
 * spaces and dashes, O for 0 and I/L for 1 (protocol's challenge codec, reused for the same hex format).
 */
import { parseChallenge } from '@cardwarden/protocol/challenge';
import { UnlockFailure } from './unlock-failure.js';

/** The response's bytes, or a failure whose message says what to fix. */
export function parseResponseInput(input: string, expectedHexLength: number): Uint8Array {
  const parsed = parseChallenge(input, [expectedHexLength]);
  if (parsed.ok) return parsed.bytes;
  const { problem } = parsed;
  const message =
    problem.code === 'challenge.bad_length'
      ? `the response has ${problem.length} hex characters, it should have ${expectedHexLength}`
      : problem.code === 'challenge.empty'
        ? 'type the response the help desk read to you'
        : problem.message;
  throw new UnlockFailure('response.bad_format', message);
}
