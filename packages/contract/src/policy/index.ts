/**
 * Who may get a response when: the admin-key attempt count and its last attempt, the 24 h cap,
 * supervisors' approvals, identity checks, and what each use case may do. Pure functions of plain
 * facts, so the server decides with them and the web app shows the same rules before anyone asks.
 * No zod and no values from the contract's main entry: the web bundle imports this entry
 * (`@cardwarden/contract/policy`), and zod's eval probe is reported by the Content-Security-Policy.
 *
 * @example
 * import { decideAttempt } from '@cardwarden/contract/policy';
 * const decision = decideAttempt({ useCase: 'selfServiceOfflineUnblock', limit: 3, attemptsUsed: 2, approved: false });
 * if (!decision.allowed) throw new AppError(decision.refusal.code, decision.refusal.message);
 */
export type { Refusal } from './refusal.js';
export {
  attemptsRemaining,
  failureBlocksKey,
  hasAttemptsLeft,
  isDownToLastAttempt,
  isLastAttempt,
  nextLeavesLastAttempt,
  NO_ATTEMPT_LEFT,
} from './attempts.js';
export {
  USE_CASE_RULES,
  mayRespond,
  type LastAttemptRefusalCode,
  type LastAttemptRule,
  type OfflineUseCase,
  type UnblockUseCase,
  type UseCaseRules,
} from './use-cases.js';
export { dailyBudgetRefusal, isBeyondDailyBudget, RESPONSE_BUDGET_HOURS } from './daily-budget.js';
export { approvalNeed, LAST_ATTEMPT_NEEDS_APPROVAL, type ApprovalNeed } from './approval.js';
export {
  dailyBudgetApplies,
  decideAttempt,
  decideDailyBudget,
  isAttemptRefusal,
  type AllowedAttempt,
  type AttemptDecision,
  type AttemptFacts,
  type DailyBudgetDecision,
  type RefusedResponse,
} from './response.js';
export { availability, unblockProblem, type UnblockFacts, type UnblockProblem } from './availability.js';
export { answersNeeded, identityCheckRequired, identityPending } from './identity-check.js';
