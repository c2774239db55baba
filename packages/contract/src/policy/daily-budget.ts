/**
 * The daily cap: a card gets at most its attempt limit of responses in 24 hours (counted since its
 * admin key was registered and since its last proven unblock), whatever outcomes were reported. A
 * response beyond it needs a supervisor's approval. The card's last attempt is not counted against the
 * cap: it needs an approval of its own (or is refused) anyway.
 */
import type { Refusal } from './refusal.js';
import { USE_CASE_RULES, type UnblockUseCase } from './use-cases.js';

/** The cap's window, in hours. The server's SQL counts the responses in it. */
export const RESPONSE_BUDGET_HOURS = 24;

/**
 * Whether the next response goes beyond the cap, with `recentResponses` issued in the window before it.
 * The server's optimistic SQL path (ISSUE_RESPONSE in offline-unblock.repository.ts) states the same
 * rule in SQL, so that counting and deciding are one statement.
 */
export function isBeyondDailyBudget(facts: {
  readonly limit: number;
  readonly recentResponses: number;
  readonly wasLastAttempt: boolean;
}): boolean {
  return !facts.wasLastAttempt && facts.recentResponses >= facts.limit;
}

/** The refusal of a response beyond the cap, for `useCase`, with `remaining` attempts left. */
export function dailyBudgetRefusal(useCase: UnblockUseCase, limit: number, remaining: number): Refusal {
  const advice = USE_CASE_RULES[useCase].dailyBudgetAdvice;
  return {
    code: 'offline_unblock.approval_required',
    message:
      `this card has had ${limit} response${limit === 1 ? '' : 's'} in the last ${RESPONSE_BUDGET_HOURS} hours, ` +
      `as many as its admin key allows without proof that the card was unblocked; ${advice}`,
    details: { attemptsRemaining: remaining },
  };
}
