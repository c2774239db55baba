import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../error-codes.js';
import {
  dailyBudgetApplies,
  decideAttempt,
  decideDailyBudget,
  isAttemptRefusal,
  type AllowedAttempt,
} from './response.js';
import type { UnblockUseCase } from './use-cases.js';

const USE_CASES: UnblockUseCase[] = ['operatorOfflineUnblock', 'selfServiceOfflineUnblock', 'onlineUnlock'];

/** What each use case gets on its last attempt: a refusal code, or allowed. */
const ON_LAST_ATTEMPT: Record<UnblockUseCase, { approved: ErrorCode | 'allowed'; unapproved: ErrorCode }> = {
  operatorOfflineUnblock: { approved: 'allowed', unapproved: 'offline_unblock.approval_required' },
  selfServiceOfflineUnblock: {
    approved: 'self_service.last_attempt',
    unapproved: 'self_service.last_attempt',
  },
  onlineUnlock: { approved: 'online_unlock.last_attempt', unapproved: 'online_unlock.last_attempt' },
};

function expected(useCase: UnblockUseCase, remaining: number, approved: boolean): ErrorCode | 'allowed' {
  if (remaining <= 0) return 'offline_unblock.attempts_exhausted';
  if (remaining > 1) return 'allowed';
  return approved ? ON_LAST_ATTEMPT[useCase].approved : ON_LAST_ATTEMPT[useCase].unapproved;
}

function allowed(decision: ReturnType<typeof decideAttempt>): AllowedAttempt {
  if (!decision.allowed) throw new Error(`refused: ${decision.refusal.code}`);
  return decision;
}

describe('deciding an attempt', () => {
  const cases: [UnblockUseCase, number, number, boolean][] = [];
  for (const useCase of USE_CASES)
    for (const limit of [1, 2, 15])
      for (const used of [limit - 2, limit - 1, limit, limit + 1])
        for (const approved of [false, true]) if (used >= 0) cases.push([useCase, limit, used, approved]);

  it.each(cases)('%s, limit %i, %i used, approved %s', (useCase, limit, attemptsUsed, approved) => {
    const decision = decideAttempt({ useCase, limit, attemptsUsed, approved });
    const remaining = limit - attemptsUsed;
    const outcome = expected(useCase, remaining, approved);
    if (outcome !== 'allowed') {
      expect(decision).toMatchObject({ allowed: false, refusal: { code: outcome } });
      return;
    }
    const last = remaining === 1;
    const helpDesk = useCase === 'operatorOfflineUnblock';
    expect(decision).toEqual({
      allowed: true,
      remainingBefore: remaining,
      wasLastAttempt: last,
      // Only the help desk's approval counts, and it covers a response beyond the cap too.
      mayExceedDailyBudget: helpDesk && approved,
      approvalRecorded: helpDesk && last,
    });
  });

  it('says each refusal as clients have always read it', () => {
    const limit = 3;
    expect(
      decideAttempt({ useCase: 'operatorOfflineUnblock', limit, attemptsUsed: 3, approved: true }),
    ).toEqual({
      allowed: false,
      refusal: {
        code: 'offline_unblock.attempts_exhausted',
        message: 'no admin-key attempt is left for this card',
      },
    });
    expect(
      decideAttempt({ useCase: 'operatorOfflineUnblock', limit, attemptsUsed: 2, approved: false }),
    ).toEqual({
      allowed: false,
      refusal: {
        code: 'offline_unblock.approval_required',
        message:
          'the next response is the last admin-key attempt: a supervisor or admin must approve this session first',
        details: { attemptsRemaining: 1 },
      },
    });
    expect(
      decideAttempt({ useCase: 'selfServiceOfflineUnblock', limit, attemptsUsed: 2, approved: true }),
    ).toEqual({
      allowed: false,
      refusal: {
        code: 'self_service.last_attempt',
        message:
          'only one admin-key attempt is left for this card, and self-service does not use it: call the help desk',
      },
    });
    expect(decideAttempt({ useCase: 'onlineUnlock', limit, attemptsUsed: 2, approved: false })).toEqual({
      allowed: false,
      refusal: {
        code: 'online_unlock.last_attempt',
        message:
          "only the card's last admin-key attempt is left, and only the help desk may use it; use offline unblock with the help desk",
      },
    });
  });
});

describe('deciding the 24 h cap', () => {
  // use case, limit, used, approved, responses in the window, outcome, beyond the cap, recorded as approved
  const cases: [UnblockUseCase, number, number, boolean, number, 'allowed' | 'refused', boolean, boolean][] =
    [
      ['operatorOfflineUnblock', 15, 0, false, 14, 'allowed', false, false],
      ['operatorOfflineUnblock', 15, 0, false, 15, 'refused', false, false],
      ['operatorOfflineUnblock', 15, 0, true, 15, 'allowed', true, true],
      ['operatorOfflineUnblock', 15, 0, true, 16, 'allowed', true, true],
      ['operatorOfflineUnblock', 2, 0, false, 1, 'allowed', false, false],
      ['operatorOfflineUnblock', 2, 0, false, 2, 'refused', false, false],
      ['operatorOfflineUnblock', 2, 0, true, 2, 'allowed', true, true],
      // The approved last attempt is not counted against the cap, and its record counts as approved.
      ['operatorOfflineUnblock', 2, 1, true, 2, 'allowed', false, true],
      ['operatorOfflineUnblock', 1, 0, true, 9, 'allowed', false, true],
      ['selfServiceOfflineUnblock', 15, 0, false, 14, 'allowed', false, false],
      ['selfServiceOfflineUnblock', 15, 0, false, 15, 'refused', false, false],
      // A supervisor's approval of a cardholder's session does not lift the cap for self-service.
      ['selfServiceOfflineUnblock', 15, 0, true, 15, 'refused', false, false],
      ['selfServiceOfflineUnblock', 2, 0, false, 3, 'refused', false, false],
      ['onlineUnlock', 3, 1, false, 2, 'allowed', false, false],
      ['onlineUnlock', 3, 1, false, 3, 'refused', false, false],
      ['onlineUnlock', 3, 0, true, 3, 'refused', false, false],
    ];
  it.each(cases)(
    '%s, limit %i, %i used, approved %s, %i recent: %s (beyond %s, recorded approved %s)',
    (useCase, limit, attemptsUsed, approved, recent, outcome, beyond, recordAsApproved) => {
      const facts = { useCase, limit, attemptsUsed, approved };
      const attempt = allowed(decideAttempt(facts));
      const decision = decideDailyBudget(facts, attempt, recent);
      if (outcome === 'refused') {
        expect(decision).toMatchObject({
          allowed: false,
          refusal: {
            code: 'offline_unblock.approval_required',
            details: { attemptsRemaining: limit - attemptsUsed },
          },
        });
      } else {
        expect(decision).toEqual({ allowed: true, beyondDailyBudget: beyond, recordAsApproved });
      }
    },
  );

  it('is not counted for the last attempt', () => {
    const last = allowed(
      decideAttempt({ useCase: 'operatorOfflineUnblock', limit: 3, attemptsUsed: 2, approved: true }),
    );
    const first = allowed(
      decideAttempt({ useCase: 'operatorOfflineUnblock', limit: 3, attemptsUsed: 0, approved: false }),
    );
    expect(dailyBudgetApplies(last)).toBe(false);
    expect(dailyBudgetApplies(first)).toBe(true);
  });
});

describe('attempt refusals', () => {
  it.each([
    ['offline_unblock.approval_required', true],
    ['offline_unblock.attempts_exhausted', true],
    ['self_service.last_attempt', true],
    ['online_unlock.last_attempt', true],
    ['offline_unblock.identity_required', false],
    ['card.not_active', false],
    ['admin_key.blocked', false],
    ['online_unlock.wrong_answers', false],
  ] as [ErrorCode, boolean][])('%s is one: %s', (code, is) => {
    expect(isAttemptRefusal(code)).toBe(is);
  });
});
