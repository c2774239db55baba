/** Maps domain records to the API's shapes. */
import { challengeHexLength } from '@cardwarden/protocol/admin-key';
import type { CardDetail, CardSummary, Profile, User } from '@cardwarden/contract';
import type { CardRecord } from '../repositories/card.repository.js';
import type { ProfileRecord, ProfileRow } from '../repositories/profile.repository.js';
import type { UserRecord } from '../repositories/user.repository.js';
import { attemptsRemaining, availability, type OfflineUseCase } from './availability.js';
import type { UnblockSwitches } from './settings.service.js';

export function iso(date: Date): string {
  return date.toISOString();
}

export function isoOrNull(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

export function toUser(user: UserRecord): User {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    email: user.email,
    state: user.state,
    selfServicePassword: user.hasPassword,
    source: user.source,
    cardCount: user.cardCount,
    createdAt: iso(user.createdAt),
    updatedAt: iso(user.updatedAt),
  };
}

/**
 * A profile's PIN rules as every API that tells them shapes them (profiles, self-service cards, the
 * online-unlock session, the unlock tool's PIN-policy look-up).
 */
export function pinRulesOf(profile: ProfileRow): Profile['pinRules'] {
  return {
    minLength: profile.pinMinLength,
    maxLength: profile.pinMaxLength,
    digitsOnly: profile.pinDigitsOnly,
  };
}

export function toProfile(profile: ProfileRecord): Profile {
  return {
    id: profile.id,
    name: profile.name,
    description: profile.description,
    useCases: useCasesOf(profile),
    maxPinAttempts: profile.maxPinAttempts,
    pinRules: pinRulesOf(profile),
    adminKeyAttemptLimit: profile.adminKeyAttemptLimit,
    adminKeySource: profile.adminKeySource,
    securityQuestions: {
      required: profile.securityQuestionsRequired,
      asked: profile.securityQuestionsAsked,
      maxFailedAttempts: profile.securityMaxFailedAttempts,
      validateInOfflineUnblock: profile.validateSecurityQuestions,
    },
    ssoStepUp: profile.requireSsoStepUp,
    cardCount: profile.cardCount,
    createdAt: iso(profile.createdAt),
    updatedAt: iso(profile.updatedAt),
  };
}

function useCasesOf(profile: ProfileRow): Profile['useCases'] {
  return {
    operatorOfflineUnblock: profile.operatorOfflineUnblock,
    selfServiceOfflineUnblock: profile.selfServiceOfflineUnblock,
    onlineUnlock: profile.onlineUnlock,
  };
}

/** A card as the help desk sees it; `useCase` decides which unblock the availability speaks of. */
export function toCardSummary(
  card: CardRecord,
  switches: UnblockSwitches,
  useCase: OfflineUseCase = 'operatorOfflineUnblock',
): CardSummary {
  return {
    id: card.id,
    serial: card.serial,
    type: card.type,
    state: card.state,
    userId: card.user.id,
    profile: { id: card.profile.id, name: card.profile.name },
    adminKey: {
      algorithm: card.adminKey.algorithm,
      challengeLength: challengeDigits(card),
      kcv: card.adminKey.kcv,
      blocked: card.adminKey.blockedAt !== null,
      attemptLimit: card.profile.adminKeyAttemptLimit,
      attemptsUsed: card.adminKey.attemptsUsed,
      attemptsRemaining: attemptsRemaining(card),
    },
    offlineUnblock: availability(card, useCase, switches),
    createdAt: iso(card.createdAt),
    updatedAt: iso(card.updatedAt),
  };
}

export function toCardDetail(card: CardRecord, switches: UnblockSwitches): CardDetail {
  return {
    ...toCardSummary(card, switches),
    user: {
      id: card.user.id,
      username: card.user.username,
      displayName: card.user.displayName,
      state: card.user.state,
    },
  };
}

/** Hex digits of the challenge a card's admin key answers. */
export function challengeDigits(card: CardRecord): number {
  return challengeHexLength(card.adminKey.algorithm);
}
