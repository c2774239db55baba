import type { Availability, UnavailableReason } from '@cardwarden/contract';
import type { CardRecord } from '../repositories/card.repository.js';

export type UnblockUseCase = 'operatorOfflineUnblock' | 'selfServiceOfflineUnblock' | 'onlineUnlock';

const USE_CASE_LABEL: Record<UnblockUseCase, string> = {
  operatorOfflineUnblock: 'operator offline unblock',
  selfServiceOfflineUnblock: 'self-service offline unblock',
  onlineUnlock: 'online unlock',
};

/** Admin-key attempts the server still allows for a card. */
export function attemptsRemaining(card: CardRecord): number {
  return Math.max(0, card.profile.adminKeyAttemptLimit - card.adminKey.attemptsUsed);
}

/** Why `card` cannot be unblocked by `useCase` now, first reason first; null when it can. */
export function unavailableReason(
  card: CardRecord,
  useCase: UnblockUseCase,
): { reason: UnavailableReason; message: string } | null {
  if (card.state !== 'active') {
    return {
      reason: 'card.not_active',
      message: `the card is ${card.state}; only active cards can be unblocked`,
    };
  }
  if (card.user.state !== 'active') {
    return {
      reason: 'user.not_active',
      message: `the card holder is ${card.user.state}; only active users' cards can be unblocked`,
    };
  }
  if (!card.profile[useCase]) {
    return {
      reason: 'offline_unblock.use_case_disabled',
      message: `${USE_CASE_LABEL[useCase]} is not enabled in the card profile "${card.profile.name}"; an admin can enable it`,
    };
  }
  if (useCase === 'selfServiceOfflineUnblock' && attemptsRemaining(card) === 1) {
    return {
      reason: 'self_service.last_attempt',
      message:
        'only one admin-key attempt is left for this card, and self-service does not use it: call the help desk',
    };
  }
  if (attemptsRemaining(card) === 0) {
    return {
      reason: 'offline_unblock.attempts_exhausted',
      message:
        'every admin-key attempt has been used since the last confirmed unblock, so the card may have blocked its ' +
        'admin key; an admin can reset the count once the card is known to have attempts left, otherwise reissue it',
    };
  }
  return null;
}

export function availability(card: CardRecord, useCase: UnblockUseCase): Availability {
  const problem = unavailableReason(card, useCase);
  const identityCheck = useCase === 'operatorOfflineUnblock' && card.profile.validateSecurityQuestions;
  return problem
    ? { available: false, reason: problem.reason, message: problem.message, identityCheck }
    : { available: true, reason: null, message: null, identityCheck };
}
