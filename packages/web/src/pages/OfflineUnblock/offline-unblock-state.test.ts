import { describe, expect, it } from 'vitest';
import type { IssuedResponse, OfflineUnblockSession } from '@cardwarden/contract';
import {
  deriveOfflineUnblock,
  initialOfflineUnblockState,
  offlineUnblockReducer,
  type OfflineUnblockAction,
  type OfflineUnblockState,
  type UnblockCard,
} from './offline-unblock-state.js';

function card(
  changes: { attemptsRemaining?: number; identityCheck?: boolean; challengeLength?: number } = {},
) {
  return {
    id: 'c1',
    serial: 'CW-1',
    adminKey: {
      algorithm: '3des',
      challengeLength: changes.challengeLength ?? 16,
      kcv: 'ABCDEF',
      blocked: false,
      attemptLimit: 3,
      attemptsUsed: 3 - (changes.attemptsRemaining ?? 3),
      attemptsRemaining: changes.attemptsRemaining ?? 3,
    },
    offlineUnblock: {
      available: true,
      reason: null,
      message: null,
      identityCheck: changes.identityCheck ?? false,
    },
  } satisfies UnblockCard;
}

function session(changes: Partial<OfflineUnblockSession> = {}): OfflineUnblockSession {
  return {
    id: 's1',
    cardId: 'c1',
    cardSerial: 'CW-1',
    userId: 'u1',
    username: 'alice',
    userDisplayName: 'Alice',
    operator: 'olivia',
    ticket: null,
    state: 'open',
    challengeLength: 16,
    attemptLimit: 3,
    attemptsRemaining: 3,
    responsesIssued: 0,
    approval: { requiredForNextResponse: false, approvedBy: null, approvedAt: null },
    identity: { required: false, verified: false, questions: [] },
    createdAt: '2026-01-01T00:00:00.000Z',
    expiresAt: '2026-01-01T00:15:00.000Z',
    closedAt: null,
    waitingSince: null,
    ...changes,
  };
}

const issued: IssuedResponse = {
  response: '7716F4B2D7214EB2',
  responseGroups: ['7716', 'F4B2', 'D721', '4EB2'],
  responsePhonetic: 'seven seven one six, foxtrot four bravo two, …',
  challenge: '0557897F8D84407B',
  challengeGroups: ['0557', '897F', '8D84', '407B'],
  corrections: [],
  attemptsRemaining: 2,
};

function run(target: UnblockCard, ...actions: OfflineUnblockAction[]): OfflineUnblockState {
  return actions.reduce(offlineUnblockReducer, initialOfflineUnblockState(target));
}

describe('the Offline Unblock dialog state', () => {
  it('starts at the challenge with the card’s attempts and the card’s challenge length', () => {
    const target = card({ challengeLength: 32 });
    const view = deriveOfflineUnblock(initialOfflineUnblockState(target), target);
    expect(view).toMatchObject({ step: 'challenge', remaining: 3, limit: 3, lastAttempt: false });
    expect(view.expectedLength).toBe(32);
    expect(view.canGenerate).toBe(false);
  });

  it('takes the challenge length from the session the server sent, not from the algorithm', () => {
    const target = card({ challengeLength: 16 });
    const state = run(
      target,
      { type: 'sessionReceived', session: session({ challengeLength: 32 }) },
      { type: 'challengeChanged', challenge: '0557 897F 8D84 407B' },
    );
    const view = deriveOfflineUnblock(state, target);
    expect(view.expectedLength).toBe(32);
    expect(view.challenge.complete).toBe(false);
  });

  it('enables Generate Response once the challenge is complete, and sends the ticket trimmed', () => {
    const target = card();
    const state = run(
      target,
      { type: 'ticketChanged', ticket: '  INC-42 ' },
      { type: 'challengeChanged', challenge: '0557 897f 8d84 407b' },
    );
    const view = deriveOfflineUnblock(state, target);
    expect(view.canGenerate).toBe(true);
    expect(view.challenge.digits).toBe('0557897F8D84407B');
    expect(view.ticketValue).toBe('INC-42');
    expect(
      deriveOfflineUnblock(run(target, { type: 'ticketChanged', ticket: '  ' }), target).ticketValue,
    ).toBe(undefined);
  });

  it('keeps the ticket once the session started with it', () => {
    const state = run(
      card(),
      { type: 'ticketChanged', ticket: 'INC-1' },
      { type: 'sessionReceived', session: session() },
      { type: 'ticketChanged', ticket: 'INC-2' },
    );
    expect(state.ticket).toBe('INC-1');
  });

  it('warns before the last attempt, then waits for a supervisor on it', () => {
    const two = card({ attemptsRemaining: 2 });
    expect(deriveOfflineUnblock(initialOfflineUnblockState(two), two).nextIsLast).toBe(true);

    const one = card({ attemptsRemaining: 1 });
    const before = deriveOfflineUnblock(
      run(one, { type: 'challengeChanged', challenge: '0'.repeat(16) }),
      one,
    );
    expect(before).toMatchObject({ lastAttempt: true, nextIsLast: false, waitingForApproval: false });
    expect(before.canGenerate).toBe(false);

    const waiting = session({
      attemptsRemaining: 1,
      approval: { requiredForNextResponse: true, approvedBy: null, approvedAt: null },
    });
    const state = run(
      one,
      { type: 'challengeChanged', challenge: '0'.repeat(16) },
      { type: 'sessionReceived', session: waiting },
    );
    expect(deriveOfflineUnblock(state, one)).toMatchObject({ waitingForApproval: true, canGenerate: false });

    const approved = offlineUnblockReducer(state, {
      type: 'sessionReceived',
      session: {
        ...waiting,
        approval: {
          requiredForNextResponse: true,
          approvedBy: 'sam',
          approvedAt: '2026-01-01T00:01:00.000Z',
        },
      },
    });
    expect(deriveOfflineUnblock(approved, one)).toMatchObject({
      approvedBy: 'sam',
      waitingForApproval: false,
      canGenerate: true,
    });
  });

  it('asks the caller’s answers before a response, when the profile wants them', () => {
    const target = card({ identityCheck: true });
    expect(deriveOfflineUnblock(initialOfflineUnblockState(target), target).identityAhead).toBe(true);

    const state = run(
      target,
      { type: 'challengeChanged', challenge: '0'.repeat(16) },
      {
        type: 'sessionReceived',
        session: session({
          identity: { required: true, verified: false, questions: [{ id: 'q1', text: 'First pet?' }] },
        }),
      },
    );
    expect(deriveOfflineUnblock(state, target)).toMatchObject({
      identityAhead: false,
      identityPending: true,
      canGenerate: false,
    });

    const verified = offlineUnblockReducer(state, { type: 'identityVerified' });
    expect(deriveOfflineUnblock(verified, target)).toMatchObject({
      identityPending: false,
      identityVerified: true,
      canGenerate: true,
    });
  });

  it('shows the response, then the recorded outcome, and counts attempts from the response', () => {
    const target = card();
    const state = run(
      target,
      { type: 'sessionReceived', session: session() },
      { type: 'responseIssued', issued },
    );
    expect(deriveOfflineUnblock(state, target)).toMatchObject({
      step: 'response',
      cancelClosesSession: true,
    });
    expect(state.knownRemaining).toBe(2);

    const failed = offlineUnblockReducer(state, { type: 'outcomeRecorded', outcome: 'failed' });
    expect(deriveOfflineUnblock(failed, target)).toMatchObject({
      step: 'recorded',
      cancelClosesSession: false,
      canTryAgain: true,
    });
    const unblocked = offlineUnblockReducer(state, { type: 'outcomeRecorded', outcome: 'unblocked' });
    expect(deriveOfflineUnblock(unblocked, target).canTryAgain).toBe(false);
  });

  it('offers no new try when the response used the last attempt', () => {
    const target = card();
    const state = run(
      target,
      { type: 'sessionReceived', session: session() },
      { type: 'responseIssued', issued: { ...issued, attemptsRemaining: 0 } },
      { type: 'outcomeRecorded', outcome: 'failed' },
    );
    expect(deriveOfflineUnblock(state, target).canTryAgain).toBe(false);
  });

  it('tries again with a new session and challenge, the same ticket and the attempts last seen', () => {
    const target = card();
    const state = run(
      target,
      { type: 'ticketChanged', ticket: 'INC-7' },
      { type: 'challengeChanged', challenge: '0'.repeat(16) },
      { type: 'sessionReceived', session: session() },
      { type: 'responseIssued', issued },
      { type: 'outcomeRecorded', outcome: 'failed' },
      { type: 'restarted' },
    );
    expect(state).toMatchObject({
      ticket: 'INC-7',
      challenge: '',
      session: null,
      issued: null,
      outcome: null,
      knownRemaining: 2,
    });
    expect(deriveOfflineUnblock(state, target)).toMatchObject({
      step: 'challenge',
      remaining: 2,
      nextIsLast: true,
    });
  });

  it('forgets a session that expired or was closed elsewhere', () => {
    const state = run(card(), { type: 'sessionReceived', session: session() }, { type: 'sessionLost' });
    expect(state.session).toBeNull();
  });

  it('refuses no more attempts than are left', () => {
    const none = card({ attemptsRemaining: 0 });
    const state = run(none, { type: 'challengeChanged', challenge: '0'.repeat(16) });
    expect(deriveOfflineUnblock(state, none).canGenerate).toBe(false);
  });
});
