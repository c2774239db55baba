import { describe, expect, it } from 'vitest';
import type { CardSummary } from '@cardwarden/contract';
import { unblockBlocker } from './unblock-blocker.js';

function card(changes: Partial<CardSummary> = {}, available = true): CardSummary {
  return {
    id: 'c1',
    serial: 'CW-1',
    type: 'minidriver',
    state: 'active',
    userId: 'u1',
    profile: { id: 'p1', name: 'Standard' },
    adminKey: {
      algorithm: '3des',
      challengeLength: 16,
      kcv: 'ABCDEF',
      blocked: false,
      attemptLimit: 3,
      attemptsUsed: 0,
      attemptsRemaining: 3,
    },
    offlineUnblock: {
      available,
      reason: available ? null : 'card.not_active',
      message: null,
      identityCheck: true,
    },
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...changes,
  };
}

describe('unblockBlocker', () => {
  it('lets an operator start on an available card', () => {
    expect(unblockBlocker(card(), true, 'operator')).toBeNull();
  });

  it('says which state stops a card, and who can fix it', () => {
    expect(unblockBlocker(card({ state: 'suspended' }, false), true, 'operator')).toMatch(
      /suspended: an admin can activate it/,
    );
    expect(unblockBlocker(card({ state: 'revoked' }, false), true, 'operator')).toMatch(/replacement card/);
  });

  it('says so when the installation has offline unblock off, and when the role cannot unblock', () => {
    expect(unblockBlocker(card(), true, 'operator', { offlineOff: true })).toMatch(/switched off/);
    expect(unblockBlocker(card(), false, 'auditor')).toBe('Your role (auditor) cannot unblock cards.');
  });

  it('stops before the dialog when the security answers the profile needs are locked or not set', () => {
    expect(unblockBlocker(card(), true, 'operator', { identity: { locked: true, answersSet: 2 } })).toMatch(
      /locked.*admin must clear the lockout/,
    );
    expect(unblockBlocker(card(), true, 'operator', { identity: { locked: false, answersSet: 0 } })).toMatch(
      /has not set security answers/,
    );
    expect(
      unblockBlocker(card(), true, 'operator', { identity: { locked: false, answersSet: 2 } }),
    ).toBeNull();
  });
});
