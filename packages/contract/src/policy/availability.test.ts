import { describe, expect, it } from 'vitest';
import { availability, unblockProblem, type UnblockFacts } from './availability.js';
import type { UnblockUseCase } from './use-cases.js';

const FINE: UnblockFacts = {
  cardState: 'active',
  userState: 'active',
  profileName: 'Staff',
  useCases: { operatorOfflineUnblock: true, selfServiceOfflineUnblock: true, onlineUnlock: true },
  validateSecurityQuestions: false,
  keyBlocked: false,
  attemptsRemaining: 3,
  offlineUnblockOn: true,
};

const USE_CASES: UnblockUseCase[] = ['operatorOfflineUnblock', 'selfServiceOfflineUnblock', 'onlineUnlock'];

describe('availability', () => {
  // what differs from a card that is fine, then the reason for the help desk, self-service, online unlock
  const cases: [string, Partial<UnblockFacts>, (string | null)[]][] = [
    ['nothing', {}, [null, null, null]],
    ['card suspended', { cardState: 'suspended' }, ['card.not_active', 'card.not_active', 'card.not_active']],
    ['card revoked', { cardState: 'revoked' }, ['card.not_active', 'card.not_active', 'card.not_active']],
    [
      'holder suspended',
      { userState: 'suspended' },
      ['user.not_active', 'user.not_active', 'user.not_active'],
    ],
    ['holder deleted', { userState: 'deleted' }, ['user.not_active', 'user.not_active', 'user.not_active']],
    [
      'offline unblock off',
      { offlineUnblockOn: false },
      ['offline_unblock.disabled', 'offline_unblock.disabled', null],
    ],
    [
      'no use case in the profile',
      { useCases: { operatorOfflineUnblock: false, selfServiceOfflineUnblock: false, onlineUnlock: false } },
      [
        'offline_unblock.use_case_disabled',
        'offline_unblock.use_case_disabled',
        'offline_unblock.use_case_disabled',
      ],
    ],
    [
      'only the help desk in the profile',
      { useCases: { operatorOfflineUnblock: true, selfServiceOfflineUnblock: false, onlineUnlock: false } },
      [null, 'offline_unblock.use_case_disabled', 'offline_unblock.use_case_disabled'],
    ],
    ['key blocked', { keyBlocked: true }, ['admin_key.blocked', 'admin_key.blocked', 'admin_key.blocked']],
    ['2 attempts left', { attemptsRemaining: 2 }, [null, null, null]],
    [
      'the last attempt left',
      { attemptsRemaining: 1 },
      [null, 'self_service.last_attempt', 'online_unlock.last_attempt'],
    ],
    [
      'no attempt left',
      { attemptsRemaining: 0 },
      [
        'offline_unblock.attempts_exhausted',
        'offline_unblock.attempts_exhausted',
        'offline_unblock.attempts_exhausted',
      ],
    ],
    // First reason first: the card's state before the switch, the switch before the profile, and so on.
    [
      'suspended, switched off, blocked, exhausted',
      { cardState: 'suspended', offlineUnblockOn: false, keyBlocked: true, attemptsRemaining: 0 },
      ['card.not_active', 'card.not_active', 'card.not_active'],
    ],
    [
      'switched off and blocked',
      { offlineUnblockOn: false, keyBlocked: true },
      ['offline_unblock.disabled', 'offline_unblock.disabled', 'admin_key.blocked'],
    ],
    [
      'blocked with the last attempt left',
      { keyBlocked: true, attemptsRemaining: 1 },
      ['admin_key.blocked', 'admin_key.blocked', 'admin_key.blocked'],
    ],
  ];
  it.each(cases)('%s', (_name, changes, reasons) => {
    const facts = { ...FINE, ...changes };
    USE_CASES.forEach((useCase, i) => {
      expect(unblockProblem(facts, useCase)?.reason ?? null, useCase).toBe(reasons[i]);
    });
  });

  it('speaks to staff or to the card holder', () => {
    const revoked = { ...FINE, cardState: 'revoked' as const };
    expect(unblockProblem(revoked, 'operatorOfflineUnblock')?.message).toBe(
      'this card is revoked and cannot be unblocked: the card holder needs a replacement card',
    );
    expect(unblockProblem(revoked, 'selfServiceOfflineUnblock')?.message).toBe(
      'this card is revoked and cannot be unblocked: ask your administrator for a replacement card',
    );
    const deleted = { ...FINE, userState: 'deleted' as const };
    expect(unblockProblem(deleted, 'operatorOfflineUnblock')?.message).toBe(
      'this user is deleted: their cards cannot be unblocked',
    );
    expect(unblockProblem(deleted, 'selfServiceOfflineUnblock')?.message).toBe(
      'your account is suspended: contact your administrator',
    );
    const off = { ...FINE, offlineUnblockOn: false };
    expect(unblockProblem(off, 'operatorOfflineUnblock')?.message).toMatch(/turn it on again in Settings/);
    expect(unblockProblem(off, 'selfServiceOfflineUnblock')?.message).toMatch(
      /^an administrator has turned offline unblock off: ask your administrator/,
    );
    const notOffered = { ...FINE, useCases: { ...FINE.useCases, selfServiceOfflineUnblock: false } };
    expect(unblockProblem(notOffered, 'selfServiceOfflineUnblock')?.message).toBe(
      'self-service offline unblock is not enabled in the card profile "Staff"; an admin can enable it',
    );
    expect(unblockProblem({ ...FINE, attemptsRemaining: 1 }, 'selfServiceOfflineUnblock')?.message).toBe(
      'only one admin-key attempt is left for this card, and self-service does not use it: call the help desk',
    );
  });

  it('announces the identity check to the help desk only, where the profile asks for it', () => {
    const validating = { ...FINE, validateSecurityQuestions: true };
    expect(availability(validating, 'operatorOfflineUnblock')).toEqual({
      available: true,
      reason: null,
      message: null,
      identityCheck: true,
    });
    expect(availability(validating, 'selfServiceOfflineUnblock').identityCheck).toBe(false);
    expect(availability(FINE, 'operatorOfflineUnblock').identityCheck).toBe(false);
    expect(availability({ ...validating, keyBlocked: true }, 'operatorOfflineUnblock')).toMatchObject({
      available: false,
      reason: 'admin_key.blocked',
      identityCheck: true,
    });
  });
});
