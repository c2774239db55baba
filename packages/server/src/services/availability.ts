/**
 * Availability of a card for each use case, from the policy (`@cardwarden/contract/policy`): this file
 * only turns the card as the server reads it into the policy's facts.
 */
import type { Availability } from '@cardwarden/contract';
import {
  attemptsRemaining as remainingOf,
  availability as availabilityOf,
  unblockProblem,
  type OfflineUseCase,
  type UnblockFacts,
  type UnblockProblem,
  type UnblockUseCase,
} from '@cardwarden/contract/policy';
import type { CardRecord } from '../repositories/card.repository.js';
import type { UnblockSwitches } from './settings.service.js';

export type { OfflineUseCase, UnblockUseCase };

/** Admin-key attempts the server still allows for a card. */
export function attemptsRemaining(card: CardRecord): number {
  return remainingOf(card.profile.adminKeyAttemptLimit, card.adminKey.attemptsUsed);
}

function unblockFacts(card: CardRecord, switches: UnblockSwitches): UnblockFacts {
  const { profile } = card;
  return {
    cardState: card.state,
    userState: card.user.state,
    profileName: profile.name,
    useCases: {
      operatorOfflineUnblock: profile.operatorOfflineUnblock,
      selfServiceOfflineUnblock: profile.selfServiceOfflineUnblock,
      onlineUnlock: profile.onlineUnlock,
    },
    validateSecurityQuestions: profile.validateSecurityQuestions,
    keyBlocked: card.adminKey.blockedAt !== null,
    attemptsRemaining: attemptsRemaining(card),
    offlineUnblockOn: switches.offlineUnblock,
  };
}

/** Why `card` cannot be unblocked by `useCase` now, first reason first; null when it can. */
export function unavailableReason(
  card: CardRecord,
  useCase: UnblockUseCase,
  switches: UnblockSwitches,
): UnblockProblem | null {
  return unblockProblem(unblockFacts(card, switches), useCase);
}

export function availability(
  card: CardRecord,
  useCase: OfflineUseCase,
  switches: UnblockSwitches,
): Availability {
  return availabilityOf(unblockFacts(card, switches), useCase);
}
