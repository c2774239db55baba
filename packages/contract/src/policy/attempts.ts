/**
 * The card's admin-key attempts as the server counts them: responses issued since the last confirmed
 * unblock, against the profile's limit. A card blocks its admin key once it refuses its last attempt,
 * so the last one is treated with care (see use-cases.ts for who may spend it).
 */
import type { Refusal } from './refusal.js';

/**
 * Attempts the server still allows: the limit less those used, never below zero.
 * @example attemptsRemaining(3, 1) // 2
 */
export function attemptsRemaining(limit: number, attemptsUsed: number): number {
  return Math.max(0, limit - attemptsUsed);
}

/** Whether an attempt is left at all. */
export function hasAttemptsLeft(remaining: number): boolean {
  return remaining > 0;
}

/** Whether the next response would spend the card's last admin-key attempt. */
export function isLastAttempt(remaining: number): boolean {
  return remaining === 1;
}

/** Whether the next response leaves only the last attempt (the one after it is the last). */
export function nextLeavesLastAttempt(remaining: number): boolean {
  return isLastAttempt(remaining - 1);
}

/** Whether at most the last attempt is left (one or none): worth a warning wherever the count shows. */
export function isDownToLastAttempt(remaining: number): boolean {
  return remaining <= 1;
}

/**
 * Whether a failure reported now means the card refused its last attempt, so its key is blocked: no
 * attempt was left when the outcome came in.
 */
export function failureBlocksKey(remaining: number): boolean {
  return !hasAttemptsLeft(remaining);
}

/** The refusal of a response when no attempt is left. */
export const NO_ATTEMPT_LEFT: Refusal = {
  code: 'offline_unblock.attempts_exhausted',
  message: 'no admin-key attempt is left for this card',
};
