/**
 * Whether a card can be unblocked by a use case now, and if not the first reason why, said to whoever
 * asks (staff, or the card holder). The cards pages show it before anyone tries; the server refuses
 * with the same reason when someone tries anyway.
 */
import type { CARD_STATES, USER_STATES } from '../enums.js';
import type { Availability, UnavailableReason } from '../schemas/cards.js';
import type { UseCases } from '../schemas/profiles.js';
import { hasAttemptsLeft, isLastAttempt } from './attempts.js';
import { identityCheckRequired } from './identity-check.js';
import {
  USE_CASE_RULES,
  type LastAttemptRefusalCode,
  type OfflineUseCase,
  type UnblockUseCase,
} from './use-cases.js';

/** What availability is decided from: the card, its holder, its profile and the installation. */
export interface UnblockFacts {
  readonly cardState: (typeof CARD_STATES)[number];
  readonly userState: (typeof USER_STATES)[number];
  readonly profileName: string;
  /** The profile's use-case switches. */
  readonly useCases: UseCases;
  /** The profile makes the help desk check the caller's security answers. */
  readonly validateSecurityQuestions: boolean;
  /** The card refused its last attempt: its admin key is blocked. */
  readonly keyBlocked: boolean;
  readonly attemptsRemaining: number;
  /** The installation's offline-unblock switch (Settings). */
  readonly offlineUnblockOn: boolean;
}

/** Why a use case cannot unblock a card, as an error code, with a message for whoever asked. */
export interface UnblockProblem<Reason extends string = UnavailableReason | LastAttemptRefusalCode> {
  readonly reason: Reason;
  readonly message: string;
}

/** What is wrong with the card or its holder, said to whoever is asking: staff, or the card holder. */
function stateProblem(facts: UnblockFacts, forCardholder: boolean): UnblockProblem | null {
  if (facts.cardState !== 'active') {
    const message = forCardholder
      ? facts.cardState === 'revoked'
        ? 'this card is revoked and cannot be unblocked: ask your administrator for a replacement card'
        : 'this card is suspended: contact your administrator, who can reactivate it'
      : facts.cardState === 'revoked'
        ? 'this card is revoked and cannot be unblocked: the card holder needs a replacement card'
        : 'this card is suspended: an administrator can reactivate it';
    return { reason: 'card.not_active', message };
  }
  if (facts.userState !== 'active') {
    const message = forCardholder
      ? 'your account is suspended: contact your administrator'
      : facts.userState === 'suspended'
        ? 'this user is suspended: an administrator can reactivate them'
        : 'this user is deleted: their cards cannot be unblocked';
    return { reason: 'user.not_active', message };
  }
  return null;
}

/**
 * Why `useCase` cannot unblock the card now, first reason first; null when it can. An offline use case
 * gets only the reasons its availability can carry; online unlock may also get `online_unlock.last_attempt`.
 */
export function unblockProblem(
  facts: UnblockFacts,
  useCase: OfflineUseCase,
): UnblockProblem<UnavailableReason> | null;
export function unblockProblem(facts: UnblockFacts, useCase: UnblockUseCase): UnblockProblem | null;
export function unblockProblem(facts: UnblockFacts, useCase: UnblockUseCase): UnblockProblem | null {
  const rules = USE_CASE_RULES[useCase];
  const { forCardholder } = rules;
  const state = stateProblem(facts, forCardholder);
  if (state) return state;
  if (rules.followsOfflineSwitch && !facts.offlineUnblockOn) {
    return {
      reason: 'offline_unblock.disabled',
      message: forCardholder
        ? 'an administrator has turned offline unblock off: ask your administrator, or use online unlock on your computer if your organisation offers it'
        : 'an administrator has turned offline unblock off for this installation: an admin can turn it on again in Settings, or the card holder can use online unlock where the card profile allows it',
    };
  }
  if (!facts.useCases[useCase]) {
    return {
      reason: 'offline_unblock.use_case_disabled',
      message: `${rules.label} is not enabled in the card profile "${facts.profileName}"; an admin can enable it`,
    };
  }
  if (facts.keyBlocked) {
    return {
      reason: 'admin_key.blocked',
      message: forCardholder
        ? "this card's admin key is blocked, so it cannot be unblocked: ask for a replacement card"
        : "this card's admin key is blocked (the card refused its last attempt): ask for a replacement card",
    };
  }
  if (rules.lastAttempt.kind === 'refuse' && isLastAttempt(facts.attemptsRemaining)) {
    return { reason: rules.lastAttempt.code, message: rules.lastAttempt.message };
  }
  if (!hasAttemptsLeft(facts.attemptsRemaining)) {
    return {
      reason: 'offline_unblock.attempts_exhausted',
      message:
        'every admin-key attempt has been used since the last confirmed unblock, so the card may have blocked its ' +
        'admin key; an admin can reset the count once the card is known to have attempts left, otherwise reissue it',
    };
  }
  return null;
}

/** Whether an offline use case can unblock the card now, as the cards pages receive it. */
export function availability(facts: UnblockFacts, useCase: OfflineUseCase): Availability {
  const problem = unblockProblem(facts, useCase);
  const identityCheck = identityCheckRequired(useCase, facts.validateSecurityQuestions);
  return problem
    ? { available: false, reason: problem.reason, message: problem.message, identityCheck }
    : { available: true, reason: null, message: null, identityCheck };
}
