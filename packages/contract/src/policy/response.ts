/**
 * Whether a card gets a response now: the decision every use case asks before an admin-key attempt is
 * counted. Two steps, because the server counts the responses of the 24 h cap only after the attempt
 * itself is allowed (and its SQL fast path counts them in the statement that writes):
 * {@link decideAttempt} on the attempt count read under the admin key's row lock, then
 * {@link decideDailyBudget} on the responses in the cap's window.
 */
import { hasAttemptsLeft, isLastAttempt, NO_ATTEMPT_LEFT } from './attempts.js';
import { LAST_ATTEMPT_NEEDS_APPROVAL } from './approval.js';
import { dailyBudgetRefusal, isBeyondDailyBudget } from './daily-budget.js';
import type { ErrorCode } from '../error-codes.js';
import type { Refusal } from './refusal.js';
import { USE_CASE_RULES, type UnblockUseCase } from './use-cases.js';

/** What the decision about one response is made from. */
export interface AttemptFacts {
  readonly useCase: UnblockUseCase;
  /** The profile's admin-key attempt limit. */
  readonly limit: number;
  /** Attempts counted since the last confirmed unblock. */
  readonly attemptsUsed: number;
  /** A supervisor approved the session; it counts only where the use case's last attempt needs approval. */
  readonly approved: boolean;
}

export interface AllowedAttempt {
  readonly allowed: true;
  /** Attempts left before this response. */
  readonly remainingBefore: number;
  readonly wasLastAttempt: boolean;
  /** A supervisor's approval lets this response go beyond the 24 h cap. */
  readonly mayExceedDailyBudget: boolean;
  /** The response's record for the cap counts as approved: the help desk's approved last attempt. */
  readonly approvalRecorded: boolean;
}

export interface RefusedResponse {
  readonly allowed: false;
  readonly refusal: Refusal;
}

export type AttemptDecision = AllowedAttempt | RefusedResponse;

const refused = (refusal: Refusal): RefusedResponse => ({ allowed: false, refusal });

/**
 * The refusals before an attempt is counted: none left, or the last one, which the use case refuses or
 * a supervisor has not approved.
 * @example decideAttempt({ useCase: 'operatorOfflineUnblock', limit: 3, attemptsUsed: 2, approved: false })
 * // refused: offline_unblock.approval_required
 */
export function decideAttempt(facts: AttemptFacts): AttemptDecision {
  const remainingBefore = facts.limit - facts.attemptsUsed;
  if (!hasAttemptsLeft(remainingBefore)) return refused(NO_ATTEMPT_LEFT);
  const { lastAttempt } = USE_CASE_RULES[facts.useCase];
  const wasLastAttempt = isLastAttempt(remainingBefore);
  if (wasLastAttempt && lastAttempt.kind === 'refuse') {
    return refused({ code: lastAttempt.code, message: lastAttempt.message });
  }
  const approvalCounts = lastAttempt.kind === 'needs-approval';
  if (wasLastAttempt && !facts.approved) return refused(LAST_ATTEMPT_NEEDS_APPROVAL);
  return {
    allowed: true,
    remainingBefore,
    wasLastAttempt,
    mayExceedDailyBudget: approvalCounts && facts.approved,
    approvalRecorded: wasLastAttempt && approvalCounts,
  };
}

/** Whether the 24 h cap applies to an allowed attempt (so that its responses need counting). */
export function dailyBudgetApplies(attempt: AllowedAttempt): boolean {
  return !attempt.wasLastAttempt;
}

export type DailyBudgetDecision =
  | {
      readonly allowed: true;
      /** The response goes beyond the cap, on a supervisor's approval. */
      readonly beyondDailyBudget: boolean;
      /** The response's record for the cap counts as approved. */
      readonly recordAsApproved: boolean;
    }
  | RefusedResponse;

/** The cap's decision on an allowed attempt, with `recentResponses` issued in the window before it. */
export function decideDailyBudget(
  facts: Pick<AttemptFacts, 'useCase' | 'limit'>,
  attempt: AllowedAttempt,
  recentResponses: number,
): DailyBudgetDecision {
  const beyond = isBeyondDailyBudget({
    limit: facts.limit,
    recentResponses,
    wasLastAttempt: attempt.wasLastAttempt,
  });
  if (beyond && !attempt.mayExceedDailyBudget) {
    return refused(dailyBudgetRefusal(facts.useCase, facts.limit, attempt.remainingBefore));
  }
  return { allowed: true, beyondDailyBudget: beyond, recordAsApproved: beyond || attempt.approvalRecorded };
}

/** Every code with which the rules above refuse a response: they say something about the card's budget. */
const ATTEMPT_REFUSAL_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  NO_ATTEMPT_LEFT.code,
  LAST_ATTEMPT_NEEDS_APPROVAL.code,
  ...Object.values(USE_CASE_RULES).flatMap(({ lastAttempt }) =>
    lastAttempt.kind === 'refuse' ? [lastAttempt.code] : [],
  ),
]);

/**
 * Whether `code` is one with which the policy refuses a response for the card's attempts or its 24 h cap
 * (the server audits those refusals).
 */
export function isAttemptRefusal(code: ErrorCode): boolean {
  return ATTEMPT_REFUSAL_CODES.has(code);
}
