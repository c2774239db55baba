/**
 * A supervisor's approval: the help desk's last attempt needs one, and so does a response beyond the
 * 24 h cap. An approval covers the one response it was given for.
 */
import { isLastAttempt } from './attempts.js';
import { isBeyondDailyBudget } from './daily-budget.js';
import type { Refusal } from './refusal.js';

/** Why the next response needs a supervisor's approval, or null when it does not. */
export type ApprovalNeed = 'last-attempt' | 'daily-budget' | null;

/**
 * Why the next response for a card needs an approval: it is the last attempt, or the card has had its
 * limit of responses in the cap's window (`recentResponses`).
 */
export function approvalNeed(facts: {
  readonly limit: number;
  readonly attemptsUsed: number;
  readonly recentResponses: number;
}): ApprovalNeed {
  if (isLastAttempt(facts.limit - facts.attemptsUsed)) return 'last-attempt';
  const { limit, recentResponses } = facts;
  if (isBeyondDailyBudget({ limit, recentResponses, wasLastAttempt: false })) return 'daily-budget';
  return null;
}

/** The refusal of the help desk's last attempt before a supervisor approved it. */
export const LAST_ATTEMPT_NEEDS_APPROVAL: Refusal = {
  code: 'offline_unblock.approval_required',
  message:
    'the next response is the last admin-key attempt: a supervisor or admin must approve this session first',
  details: { attemptsRemaining: 1 },
};
