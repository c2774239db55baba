import { describe, expect, it } from 'vitest';
import { dailyBudgetRefusal, isBeyondDailyBudget, RESPONSE_BUDGET_HOURS } from './daily-budget.js';

describe('the 24 h cap', () => {
  // limit, responses in the window, the response is the last attempt, beyond the cap
  const cases: [number, number, boolean, boolean][] = [
    [1, 0, false, false],
    [1, 1, false, true],
    [1, 2, false, true],
    [1, 1, true, false],
    [2, 1, false, false],
    [2, 2, false, true],
    [2, 3, false, true],
    [2, 2, true, false],
    [15, 14, false, false],
    [15, 15, false, true],
    [15, 16, false, true],
    [15, 15, true, false],
  ];
  it.each(cases)('limit %i, %i responses, last attempt %s: beyond %s', (limit, recent, last, beyond) => {
    expect(isBeyondDailyBudget({ limit, recentResponses: recent, wasLastAttempt: last })).toBe(beyond);
  });

  it('counts a day', () => {
    expect(RESPONSE_BUDGET_HOURS).toBe(24);
  });

  it('refuses with approval_required, the count in words and advice for whoever asked', () => {
    expect(dailyBudgetRefusal('operatorOfflineUnblock', 3, 2)).toEqual({
      code: 'offline_unblock.approval_required',
      message:
        'this card has had 3 responses in the last 24 hours, as many as its admin key allows without proof that ' +
        'the card was unblocked; a supervisor or admin must approve this session first',
      details: { attemptsRemaining: 2 },
    });
    expect(dailyBudgetRefusal('selfServiceOfflineUnblock', 1, 1)).toEqual({
      code: 'offline_unblock.approval_required',
      message:
        'this card has had 1 response in the last 24 hours, as many as its admin key allows without proof that ' +
        'the card was unblocked; call the help desk: a supervisor must approve another',
      details: { attemptsRemaining: 1 },
    });
    expect(dailyBudgetRefusal('onlineUnlock', 15, 7).message).toMatch(
      /^this card has had 15 responses .*; call the help desk: a supervisor must approve another$/,
    );
  });
});
