/**
 * Identity checks with security answers: when the help desk must check the caller's answers before a
 * response, and how many answers a card holder must have set before anyone can ask them.
 */
import type { Refusal } from './refusal.js';
import { USE_CASE_RULES, type UnblockUseCase } from './use-cases.js';

/** Whether the help desk must check the caller's security answers before a response in `useCase`. */
export function identityCheckRequired(useCase: UnblockUseCase, validateSecurityQuestions: boolean): boolean {
  return USE_CASE_RULES[useCase].helpDeskChecksIdentity && validateSecurityQuestions;
}

/** Answers a card holder must have set to be asked: the profile's minimum, and at least one. */
export function answersNeeded(required: number): number {
  return Math.max(required, 1);
}

/**
 * The refusal of a response while the session's identity check is pending: questions were asked and
 * not answered right yet; null when nothing is pending.
 */
export function identityPending(check: {
  readonly asked: boolean;
  readonly verified: boolean;
}): Refusal | null {
  if (!check.asked || check.verified) return null;
  return {
    code: 'offline_unblock.identity_required',
    message:
      "check the caller's security answers first: this card's profile requires it before a response is issued",
  };
}
