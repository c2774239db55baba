import type { Availability, UnavailableReason } from '@cardwarden/contract';
import type { CardRecord } from '../repositories/card.repository.js';
import type { UnblockSwitches } from './settings.service.js';

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

type Problem = { reason: UnavailableReason; message: string };

/** What is wrong with the card or its holder, said to whoever is asking: staff, or the cardholder. */
function stateProblem(card: CardRecord, forCardholder: boolean): Problem | null {
  if (card.state !== 'active') {
    const message = forCardholder
      ? card.state === 'revoked'
        ? 'this card is revoked and cannot be unblocked: ask your administrator for a replacement card'
        : 'this card is suspended: contact your administrator, who can reactivate it'
      : card.state === 'revoked'
        ? 'this card is revoked and cannot be unblocked: the card holder needs a replacement card'
        : 'this card is suspended: an administrator can reactivate it';
    return { reason: 'card.not_active', message };
  }
  if (card.user.state !== 'active') {
    const message = forCardholder
      ? 'your account is suspended: contact your administrator'
      : card.user.state === 'suspended'
        ? 'this user is suspended: an administrator can reactivate them'
        : 'this user is deleted: their cards cannot be unblocked';
    return { reason: 'user.not_active', message };
  }
  return null;
}

/** Why `card` cannot be unblocked by `useCase` now, first reason first; null when it can. */
export function unavailableReason(
  card: CardRecord,
  useCase: UnblockUseCase,
  switches: UnblockSwitches,
): Problem | null {
  const forCardholder = useCase !== 'operatorOfflineUnblock';
  const state = stateProblem(card, forCardholder);
  if (state) return state;
  if (useCase !== 'onlineUnlock' && !switches.offlineUnblock) {
    return {
      reason: 'offline_unblock.disabled',
      message:
        useCase === 'operatorOfflineUnblock'
          ? 'an administrator has turned offline unblock off for this installation: an admin can turn it on again in Settings, or the card holder can use online unlock where the card profile allows it'
          : 'an administrator has turned offline unblock off: ask your administrator, or use online unlock on your computer if your organisation offers it',
    };
  }
  if (!card.profile[useCase]) {
    return {
      reason: 'offline_unblock.use_case_disabled',
      message: `${USE_CASE_LABEL[useCase]} is not enabled in the card profile "${card.profile.name}"; an admin can enable it`,
    };
  }
  if (card.adminKey.blockedAt !== null) {
    return {
      reason: 'admin_key.blocked',
      message: forCardholder
        ? "this card's admin key is blocked, so it cannot be unblocked: ask for a replacement card"
        : "this card's admin key is blocked (the card refused its last attempt): ask for a replacement card",
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

export function availability(
  card: CardRecord,
  useCase: UnblockUseCase,
  switches: UnblockSwitches,
): Availability {
  const problem = unavailableReason(card, useCase, switches);
  const identityCheck = useCase === 'operatorOfflineUnblock' && card.profile.validateSecurityQuestions;
  return problem
    ? { available: false, reason: problem.reason, message: problem.message, identityCheck }
    : { available: true, reason: null, message: null, identityCheck };
}
