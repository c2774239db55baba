/**
 * The three ways a card gets a response, and what differs between them, as data: who reads the
 * refusals, whether the installation's offline-unblock switch applies, who may spend the card's last
 * admin-key attempt, and whether the help desk checks the caller's identity. The rules in the other
 * files of this folder read this table; no rule asks which use case it is by name.
 */
import type { UseCase } from '../schemas/profiles.js';
import { hasAttemptsLeft, isLastAttempt } from './attempts.js';

/** A way to unblock a card; a profile turns each on (its `useCases`). */
export type UnblockUseCase = UseCase;

/** The use cases that answer a challenge the card holder reads out or types in (offline unblock). */
export type OfflineUseCase = Exclude<UnblockUseCase, 'onlineUnlock'>;

/** The codes with which a use case that never spends the last attempt refuses it. */
export type LastAttemptRefusalCode = 'self_service.last_attempt' | 'online_unlock.last_attempt';

/** What happens when the next response would be the card's last admin-key attempt. */
export type LastAttemptRule =
  /** A supervisor or admin approves it first (the help desk's own session). */
  | { readonly kind: 'needs-approval' }
  /** Never: the last attempt is the help desk's. */
  | { readonly kind: 'refuse'; readonly code: LastAttemptRefusalCode; readonly message: string };

export interface UseCaseRules {
  /** The use case in people's words (refusal messages name it). */
  readonly label: string;
  /** Refusals speak to the card holder (otherwise to staff, who can act on the card or the holder). */
  readonly forCardholder: boolean;
  /** The installation's offline-unblock switch (Settings) turns this use case off too. */
  readonly followsOfflineSwitch: boolean;
  readonly lastAttempt: LastAttemptRule;
  /** What to do about a response beyond the 24 h budget, said in its refusal. */
  readonly dailyBudgetAdvice: string;
  /** The profile's "validate security questions" makes the help desk check the caller's answers. */
  readonly helpDeskChecksIdentity: boolean;
}

const HELP_DESK_APPROVES = 'a supervisor or admin must approve this session first';
const CALL_HELP_DESK = 'call the help desk: a supervisor must approve another';

/** Every use case's rules. */
export const USE_CASE_RULES: { readonly [U in UnblockUseCase]: UseCaseRules } = {
  operatorOfflineUnblock: {
    label: 'operator offline unblock',
    forCardholder: false,
    followsOfflineSwitch: true,
    lastAttempt: { kind: 'needs-approval' },
    dailyBudgetAdvice: HELP_DESK_APPROVES,
    helpDeskChecksIdentity: true,
  },
  selfServiceOfflineUnblock: {
    label: 'self-service offline unblock',
    forCardholder: true,
    followsOfflineSwitch: true,
    lastAttempt: {
      kind: 'refuse',
      code: 'self_service.last_attempt',
      message:
        'only one admin-key attempt is left for this card, and self-service does not use it: call the help desk',
    },
    dailyBudgetAdvice: CALL_HELP_DESK,
    helpDeskChecksIdentity: false,
  },
  onlineUnlock: {
    label: 'online unlock',
    forCardholder: true,
    // Online unlock has its own switch: the profile's. The installation's switch is about offline unblock.
    followsOfflineSwitch: false,
    lastAttempt: {
      kind: 'refuse',
      code: 'online_unlock.last_attempt',
      message:
        "only the card's last admin-key attempt is left, and only the help desk may use it; use offline unblock with the help desk",
    },
    dailyBudgetAdvice: CALL_HELP_DESK,
    helpDeskChecksIdentity: false,
  },
};

/**
 * Whether `useCase` may ask for a response with `remaining` attempts left: one is left, and it is not
 * the last where the use case leaves that to the help desk (whose last one still needs an approval).
 * @example mayRespond('selfServiceOfflineUnblock', 1) // false: the help desk's
 */
export function mayRespond(useCase: UnblockUseCase, remaining: number): boolean {
  if (!hasAttemptsLeft(remaining)) return false;
  return !isLastAttempt(remaining) || USE_CASE_RULES[useCase].lastAttempt.kind === 'needs-approval';
}
