import { describe, expect, it } from 'vitest';
import { approvalNeed, type ApprovalNeed } from './approval.js';

describe('approval need', () => {
  // limit, used, responses in the 24 h window, need
  const cases: [number, number, number, ApprovalNeed][] = [
    [1, 0, 0, 'last-attempt'],
    [1, 0, 5, 'last-attempt'],
    [1, 1, 0, null],
    [2, 0, 1, null],
    [2, 0, 2, 'daily-budget'],
    [2, 1, 0, 'last-attempt'],
    [2, 1, 2, 'last-attempt'],
    [3, 1, 2, null],
    [3, 1, 3, 'daily-budget'],
    [3, 0, 4, 'daily-budget'],
    [15, 13, 14, null],
    [15, 13, 15, 'daily-budget'],
    [15, 14, 0, 'last-attempt'],
    // None left: nothing to approve (the response is refused as exhausted).
    [15, 15, 0, null],
  ];
  it.each(cases)('limit %i, %i used, %i recent: %s', (limit, attemptsUsed, recentResponses, need) => {
    expect(approvalNeed({ limit, attemptsUsed, recentResponses })).toBe(need);
  });
});
