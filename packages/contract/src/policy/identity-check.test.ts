import { describe, expect, it } from 'vitest';
import { answersNeeded, identityCheckRequired, identityPending } from './identity-check.js';
import type { UnblockUseCase } from './use-cases.js';

describe('identity checks', () => {
  it.each([
    ['operatorOfflineUnblock', true, true],
    ['operatorOfflineUnblock', false, false],
    ['selfServiceOfflineUnblock', true, false],
    ['onlineUnlock', true, false],
  ] as [UnblockUseCase, boolean, boolean][])(
    '%s with the profile validating %s: the help desk checks %s',
    (useCase, validate, required) => {
      expect(identityCheckRequired(useCase, validate)).toBe(required);
    },
  );

  it.each([
    [0, 1],
    [1, 1],
    [3, 3],
    [10, 10],
  ])('a profile that requires %i answers needs %i', (required, needed) => {
    expect(answersNeeded(required)).toBe(needed);
  });

  it('refuses a response while asked questions are not answered right', () => {
    expect(identityPending({ asked: false, verified: false })).toBeNull();
    expect(identityPending({ asked: true, verified: true })).toBeNull();
    expect(identityPending({ asked: true, verified: false })).toEqual({
      code: 'offline_unblock.identity_required',
      message:
        "check the caller's security answers first: this card's profile requires it before a response is issued",
    });
  });
});
