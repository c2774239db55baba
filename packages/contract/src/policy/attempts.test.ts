import { describe, expect, it } from 'vitest';
import {
  attemptsRemaining,
  failureBlocksKey,
  hasAttemptsLeft,
  isDownToLastAttempt,
  isLastAttempt,
  nextLeavesLastAttempt,
} from './attempts.js';

describe('admin-key attempts', () => {
  // limit, used, remaining, last, next leaves the last, down to the last, left, a failure blocks the key
  const cases: [number, number, number, boolean, boolean, boolean, boolean, boolean][] = [
    [1, 0, 1, true, false, true, true, false],
    [1, 1, 0, false, false, true, false, true],
    [1, 2, 0, false, false, true, false, true],
    [2, 0, 2, false, true, false, true, false],
    [2, 1, 1, true, false, true, true, false],
    [2, 2, 0, false, false, true, false, true],
    [15, 13, 2, false, true, false, true, false],
    [15, 14, 1, true, false, true, true, false],
    [15, 15, 0, false, false, true, false, true],
    [15, 0, 15, false, false, false, true, false],
  ];
  it.each(cases)(
    'limit %i, %i used: %i left (last %s, next leaves the last %s, down to the last %s, left %s, blocks %s)',
    (limit, used, remaining, last, nextLeavesLast, downToLast, left, blocks) => {
      expect(attemptsRemaining(limit, used)).toBe(remaining);
      expect(isLastAttempt(remaining)).toBe(last);
      expect(nextLeavesLastAttempt(remaining)).toBe(nextLeavesLast);
      expect(isDownToLastAttempt(remaining)).toBe(downToLast);
      expect(hasAttemptsLeft(remaining)).toBe(left);
      expect(failureBlocksKey(remaining)).toBe(blocks);
    },
  );
});
