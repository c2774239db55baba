/**
 * The Offline Unblock dialog's state as a reducer: what the operator typed, the session and the response
 * the server sent, and the outcome recorded. Everything the dialog shows is derived from it by
 * {@link deriveOfflineUnblock}, from what the server sent (the challenge length, the attempts, the approval,
 * the identity check), never recomputed from the card's algorithm.
 */
import type { CardSummary, IssuedResponse, OfflineUnblockSession, Outcome } from '@cardwarden/contract';
import { hasAttemptsLeft, isLastAttempt, nextLeavesLastAttempt } from '@cardwarden/contract/policy';
import { viewChallenge, type ChallengeView } from '../../challenge/challenge-view.js';

/** What the dialog knows of the card when it opens: the card page's summary. */
export type UnblockCard = Pick<CardSummary, 'id' | 'serial' | 'adminKey' | 'offlineUnblock'>;

export interface OfflineUnblockState {
  readonly ticket: string;
  readonly challenge: string;
  /** The session, once started: from its start, the approval poll, or the answers check. */
  readonly session: OfflineUnblockSession | null;
  readonly issued: IssuedResponse | null;
  readonly outcome: Outcome | null;
  /** Attempts left as last seen: the card's when the dialog opened, then each response's. */
  readonly knownRemaining: number;
}

export type OfflineUnblockAction =
  | { readonly type: 'ticketChanged'; readonly ticket: string }
  | { readonly type: 'challengeChanged'; readonly challenge: string }
  /** The server sent the session (started, polled): it replaces what the dialog had. */
  | { readonly type: 'sessionReceived'; readonly session: OfflineUnblockSession }
  /** The session expired or was closed elsewhere: the next try starts a new one. */
  | { readonly type: 'sessionLost' }
  | { readonly type: 'identityVerified' }
  | { readonly type: 'responseIssued'; readonly issued: IssuedResponse }
  | { readonly type: 'outcomeRecorded'; readonly outcome: Outcome }
  /** Try again after a failed response: a new session and challenge, the same ticket. */
  | { readonly type: 'restarted' };

export function initialOfflineUnblockState(card: UnblockCard): OfflineUnblockState {
  return {
    ticket: '',
    challenge: '',
    session: null,
    issued: null,
    outcome: null,
    knownRemaining: card.adminKey.attemptsRemaining,
  };
}

export function offlineUnblockReducer(
  state: OfflineUnblockState,
  action: OfflineUnblockAction,
): OfflineUnblockState {
  switch (action.type) {
    case 'ticketChanged':
      // The ticket goes to the server with the session's start: it is fixed from then on.
      return state.session === null ? { ...state, ticket: action.ticket } : state;
    case 'challengeChanged':
      return state.issued === null ? { ...state, challenge: action.challenge } : state;
    case 'sessionReceived':
      return { ...state, session: action.session };
    case 'sessionLost':
      return { ...state, session: null };
    case 'identityVerified':
      return state.session === null
        ? state
        : {
            ...state,
            session: { ...state.session, identity: { ...state.session.identity, verified: true } },
          };
    case 'responseIssued':
      return { ...state, issued: action.issued, knownRemaining: action.issued.attemptsRemaining };
    case 'outcomeRecorded':
      return state.issued === null ? state : { ...state, outcome: action.outcome };
    case 'restarted':
      return { ...state, session: null, issued: null, outcome: null, challenge: '' };
  }
}

/** What the dialog shows, and what it may do, in a state. */
export interface OfflineUnblockView {
  /** Hex digits the challenge has, as the server says (the session's, or the card's before one exists). */
  readonly expectedLength: number;
  readonly challenge: ChallengeView;
  /** The ticket to send, or undefined when none was typed. */
  readonly ticketValue: string | undefined;
  readonly remaining: number;
  readonly limit: number;
  /** The next response is the card's last admin-key attempt: a supervisor approves it first. */
  readonly lastAttempt: boolean;
  /** The next response leaves only the last attempt. */
  readonly nextIsLast: boolean;
  readonly approvedBy: string | null;
  /** Poll the session for a supervisor's approval. */
  readonly waitingForApproval: boolean;
  /** Before a session exists, the profile's identity check is announced with a button that starts one. */
  readonly identityAhead: boolean;
  /** The caller's answers are asked now; no response before they are checked. */
  readonly identityPending: boolean;
  readonly identityVerified: boolean;
  /** Which part of the dialog shows: the challenge entry, the response, or the recorded outcome. */
  readonly step: 'challenge' | 'response' | 'recorded';
  /** Generate Response is enabled (given that no request is in flight). */
  readonly canGenerate: boolean;
  /** Cancel closes the session on the server (once an outcome is recorded, there is nothing to cancel). */
  readonly cancelClosesSession: boolean;
  /** After a recorded failure with attempts left, the dialog offers to try again. */
  readonly canTryAgain: boolean;
}

export function deriveOfflineUnblock(state: OfflineUnblockState, card: UnblockCard): OfflineUnblockView {
  const { session, issued, outcome } = state;
  const expectedLength = session?.challengeLength ?? card.adminKey.challengeLength;
  const challenge = viewChallenge(state.challenge, expectedLength);
  // The session says whether the next response needs an approval (the last attempt, or the 24 h cap);
  // before one exists, the count is all the dialog knows.
  const lastAttempt = session
    ? session.approval.requiredForNextResponse
    : isLastAttempt(state.knownRemaining);
  const remaining = session?.attemptsRemaining ?? state.knownRemaining;
  const approvedBy = session?.approval.approvedBy ?? null;
  const identityPending = session !== null && session.identity.required && !session.identity.verified;
  return {
    expectedLength,
    challenge,
    ticketValue: state.ticket.trim() || undefined,
    remaining,
    limit: session?.attemptLimit ?? card.adminKey.attemptLimit,
    lastAttempt,
    nextIsLast: !lastAttempt && nextLeavesLastAttempt(remaining),
    approvedBy,
    waitingForApproval: session !== null && lastAttempt && approvedBy === null && issued === null,
    identityAhead: card.offlineUnblock.identityCheck && session === null,
    identityPending,
    identityVerified: session !== null && session.identity.required && session.identity.verified,
    step: issued === null ? 'challenge' : outcome === null ? 'response' : 'recorded',
    // Before a session exists, Generate Response starts one: where the profile wants answers, the
    // questions then appear and the button waits for them.
    canGenerate:
      challenge.complete &&
      hasAttemptsLeft(remaining) &&
      (!lastAttempt || approvedBy !== null) &&
      !identityPending,
    cancelClosesSession: session !== null && outcome === null,
    canTryAgain: outcome === 'failed' && issued !== null && hasAttemptsLeft(issued.attemptsRemaining),
  };
}
