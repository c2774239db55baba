/** The card profile editor's state, without React: from a profile, to a request body, and what is wrong. */
import type { CreateProfileBody, Profile, UseCases } from '@cardwarden/contract';
import type { MessageKey } from '../../i18n/index.js';

export interface ProfileDraft {
  name: string;
  description: string;
  useCases: UseCases;
  maxPinAttempts: number;
  adminKeyAttemptLimit: number;
  pinMin: number;
  pinMax: number;
  digitsOnly: boolean;
  answersRequired: number;
  questionsAsked: number;
  maxFailedAnswers: number;
  operatorsCheckAnswers: boolean;
  ssoStepUp: boolean;
}

// The contract's PROFILE_DEFAULTS, restated: importing values from the contract pulls zod into the bundle.
export const NEW_PROFILE: ProfileDraft = {
  name: '',
  description: '',
  useCases: { operatorOfflineUnblock: false, selfServiceOfflineUnblock: false, onlineUnlock: false },
  maxPinAttempts: 3,
  adminKeyAttemptLimit: 3,
  pinMin: 6,
  pinMax: 8,
  digitsOnly: false,
  answersRequired: 3,
  questionsAsked: 2,
  maxFailedAnswers: 5,
  operatorsCheckAnswers: false,
  ssoStepUp: false,
};

export function draftOf(profile: Profile): ProfileDraft {
  return {
    name: profile.name,
    description: profile.description,
    useCases: { ...profile.useCases },
    maxPinAttempts: profile.maxPinAttempts,
    adminKeyAttemptLimit: profile.adminKeyAttemptLimit,
    pinMin: profile.pinRules.minLength,
    pinMax: profile.pinRules.maxLength,
    digitsOnly: profile.pinRules.digitsOnly,
    answersRequired: profile.securityQuestions.required,
    questionsAsked: profile.securityQuestions.asked,
    maxFailedAnswers: profile.securityQuestions.maxFailedAttempts,
    operatorsCheckAnswers: profile.securityQuestions.validateInOfflineUnblock,
    ssoStepUp: profile.ssoStepUp,
  };
}

/** The body of a create or a full update (every field, so an update is exactly what the form shows). */
export function bodyOf(draft: ProfileDraft): CreateProfileBody {
  return {
    name: draft.name.trim(),
    description: draft.description.trim(),
    useCases: draft.useCases,
    maxPinAttempts: draft.maxPinAttempts,
    adminKeyAttemptLimit: draft.adminKeyAttemptLimit,
    pinRules: { minLength: draft.pinMin, maxLength: draft.pinMax, digitsOnly: draft.digitsOnly },
    securityQuestions: {
      required: draft.answersRequired,
      asked: draft.questionsAsked,
      maxFailedAttempts: draft.maxFailedAnswers,
      validateInOfflineUnblock: draft.operatorsCheckAnswers,
    },
    ssoStepUp: draft.ssoStepUp,
  };
}

export interface DraftErrors {
  readonly pinRules: MessageKey | null;
  readonly questionsAsked: MessageKey | null;
}

/** What the server would refuse (`profile.invalid_pin_rules`, `profile.invalid_security_questions`). */
export function draftErrors(draft: ProfileDraft): DraftErrors {
  return {
    pinRules: draft.pinMin > draft.pinMax ? 'profile.pinRulesError' : null,
    questionsAsked: draft.questionsAsked > draft.answersRequired ? 'profile.askedError' : null,
  };
}

export function canSave(draft: ProfileDraft): boolean {
  const errors = draftErrors(draft);
  return draft.name.trim() !== '' && errors.pinRules === null && errors.questionsAsked === null;
}
