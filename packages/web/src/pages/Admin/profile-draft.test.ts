import { describe, expect, it } from 'vitest';
import type { Profile } from '@cardwarden/contract';
import { bodyOf, canSave, draftErrors, draftOf, NEW_PROFILE } from './profile-draft.js';

const PROFILE: Profile = {
  id: 'p1',
  name: 'Standard',
  description: 'Help desk',
  useCases: { operatorOfflineUnblock: true, selfServiceOfflineUnblock: false, onlineUnlock: true },
  maxPinAttempts: 3,
  pinRules: { minLength: 6, maxLength: 8, digitsOnly: true },
  adminKeyAttemptLimit: 5,
  adminKeySource: 'random',
  securityQuestions: { required: 4, asked: 2, maxFailedAttempts: 3, validateInOfflineUnblock: true },
  ssoStepUp: true,
  cardCount: 2,
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
};

describe('profile draft', () => {
  it('round-trips a profile, security questions included', () => {
    expect(bodyOf(draftOf(PROFILE))).toEqual({
      name: 'Standard',
      description: 'Help desk',
      useCases: PROFILE.useCases,
      maxPinAttempts: 3,
      adminKeyAttemptLimit: 5,
      pinRules: PROFILE.pinRules,
      securityQuestions: PROFILE.securityQuestions,
      ssoStepUp: true,
    });
  });

  it('starts a new profile with the server’s defaults: every use case and the help-desk check off', () => {
    expect(bodyOf({ ...NEW_PROFILE, name: ' New ' })).toMatchObject({
      name: 'New',
      useCases: { operatorOfflineUnblock: false, selfServiceOfflineUnblock: false, onlineUnlock: false },
      securityQuestions: { required: 3, asked: 2, maxFailedAttempts: 5, validateInOfflineUnblock: false },
    });
    expect(canSave(NEW_PROFILE)).toBe(false);
  });

  it('refuses more questions asked than answers required, and PIN rules that do not fit', () => {
    const draft = { ...draftOf(PROFILE), questionsAsked: 5 };
    expect(draftErrors(draft)).toEqual({ pinRules: null, questionsAsked: 'profile.askedError' });
    expect(canSave(draft)).toBe(false);
    expect(canSave({ ...draft, questionsAsked: 4 })).toBe(true);
    expect(draftErrors({ ...draftOf(PROFILE), pinMin: 9 }).pinRules).toBe('profile.pinRulesError');
  });
});
