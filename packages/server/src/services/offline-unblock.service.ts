/**
 * Offline unblock: the card holder reads a challenge from the card, the server answers E_K(challenge)
 * with the card's admin key. Each response may cost one of the card's admin-key attempts, so the
 * server counts them (atomically, under a row lock on the admin key), asks a supervisor to approve the
 * last one, and refuses once none is left.
 */
import { groupHex, parseChallenge, phoneticReadBack } from '@cardwarden/protocol';
import type { IssuedResponse, OfflineUnblockSession } from '@cardwarden/contract';
import { AppError } from '../errors.js';
import type { Database } from '../db/database.js';
import { resetAttempts } from '../repositories/admin-key.repository.js';
import { appendAuditEvent } from '../repositories/audit.repository.js';
import type { CardRecord } from '../repositories/card.repository.js';
import {
  closeOfflineUnblock,
  consumeApproval,
  findOfflineUnblock,
  insertOfflineUnblock,
  listOfflineUnblocks,
  lockOfflineUnblock,
  recordApproval,
  recordIdentityVerified,
  recordResponseIssued,
  type OfflineUnblockRecord,
} from '../repositories/offline-unblock.repository.js';
import {
  blockKeyIfExhausted,
  challengeDigest,
  notifyResponseIssued,
  spendAttempt,
  type LastAttemptPolicy,
} from './admin-key-response.js';
import { checkAnswers, chooseQuestions, questionTexts } from './identity.service.js';
import { attemptsRemaining, unavailableReason, type UnblockUseCase } from './availability.js';
import { requireCard } from './card.service.js';
import { auditActor, type Actor, type OperatorActor, type ServiceContext } from './context.js';
import { unblockSwitches } from './settings.service.js';
import { challengeDigits, iso, isoOrNull } from './views.js';

/** How long an unblock session stays open: one phone call, generously. */
export const SESSION_MINUTES = 30;

function useCaseOf(actor: Actor): UnblockUseCase {
  return actor.type === 'operator' ? 'operatorOfflineUnblock' : 'selfServiceOfflineUnblock';
}

async function refuseUnavailable(db: Database, card: CardRecord, useCase: UnblockUseCase): Promise<void> {
  const problem = unavailableReason(card, useCase, await unblockSwitches(db));
  if (problem) throw new AppError(problem.reason, problem.message);
}

/**
 * Since when the session waits for a supervisor: its next response is the last attempt and nobody
 * approved it. The wait began when the session started or when the count last moved, whichever is later.
 */
function waitingSince(session: OfflineUnblockRecord, card: CardRecord, remaining: number): string | null {
  const waiting =
    session.state === 'open' &&
    session.approvedAt === null &&
    remaining === 1 &&
    session.expiresAt.getTime() > Date.now();
  if (!waiting) return null;
  const since = Math.max(session.createdAt.getTime(), card.adminKey.updatedAt.getTime());
  return new Date(since).toISOString();
}

async function toSession(
  db: Database,
  session: OfflineUnblockRecord,
  card: CardRecord,
): Promise<OfflineUnblockSession> {
  const remaining = attemptsRemaining(card);
  const identityRequired = session.identityQuestionIds.length > 0;
  return {
    id: session.id,
    cardId: session.cardId,
    cardSerial: card.serial,
    userId: session.userId,
    username: card.user.username,
    userDisplayName: card.user.displayName,
    operator: session.startedByName,
    ticket: session.ticket,
    state: session.state,
    challengeLength: challengeDigits(card),
    attemptLimit: card.profile.adminKeyAttemptLimit,
    attemptsRemaining: remaining,
    responsesIssued: session.responsesIssued,
    approval: {
      requiredForNextResponse: remaining === 1,
      approvedBy: session.approvedByName,
      approvedAt: isoOrNull(session.approvedAt),
    },
    identity: {
      required: identityRequired,
      verified: session.identityVerifiedAt !== null,
      // The questions are shown only until they are answered right.
      questions:
        identityRequired && session.identityVerifiedAt === null
          ? await questionTexts(db, session.identityQuestionIds)
          : [],
    },
    createdAt: iso(session.createdAt),
    expiresAt: iso(session.expiresAt),
    closedAt: isoOrNull(session.closedAt),
    waitingSince: waitingSince(session, card, remaining),
  };
}

/** The audit fields every event about a session carries. */
function sessionAudit(actor: Actor, session: OfflineUnblockRecord, ticket?: string) {
  return {
    ...auditActor(actor),
    cardId: session.cardId,
    userId: session.userId,
    sessionId: session.id,
    ticket: ticket ?? session.ticket,
  };
}

/** The session as it is now, after a change in this transaction. */
async function reloadSession(tx: Database, id: string): Promise<OfflineUnblockSession> {
  const session = await findOfflineUnblock(tx, id);
  if (!session) throw new AppError('offline_unblock.not_found', 'no unblock session has that id');
  return toSession(tx, session, await requireCard(tx, session.cardId));
}

/** A session the actor may act on: an operator's own, or a cardholder's own. */
async function requireOwnSession(
  db: Database,
  actor: Actor,
  id: string,
  lock: boolean,
): Promise<OfflineUnblockRecord> {
  const session = lock ? await lockOfflineUnblock(db, id) : await findOfflineUnblock(db, id);
  if (!session || session.startedByType !== actor.type) {
    throw new AppError('offline_unblock.not_found', 'no unblock session has that id');
  }
  if (session.startedById !== actor.id) {
    if (actor.type === 'cardholder')
      throw new AppError('offline_unblock.not_found', 'no unblock session has that id');
    throw new AppError(
      'auth.forbidden',
      `this unblock was started by ${session.startedByName}; only they can continue it`,
    );
  }
  return session;
}

function requireOpen(session: OfflineUnblockRecord): void {
  if (session.state !== 'open') {
    throw new AppError('offline_unblock.closed', `this unblock session is ${session.state}; start a new one`);
  }
  if (session.expiresAt.getTime() <= Date.now()) {
    throw new AppError(
      'offline_unblock.expired',
      `this unblock session expired after ${SESSION_MINUTES} minutes; start a new one`,
    );
  }
}

/** Starts an unblock of `cardId`: refused unless the card can be unblocked by this actor now. */
export async function startOfflineUnblock(
  ctx: ServiceContext,
  actor: Actor,
  cardId: string,
  ticket: string | undefined,
): Promise<OfflineUnblockSession> {
  return ctx.db.transaction(async (tx) => {
    const card = await requireCard(tx, cardId);
    if (actor.type === 'cardholder' && card.user.id !== actor.id) {
      throw new AppError('card.not_found', 'no card of yours has that id');
    }
    await refuseUnavailable(tx, card, useCaseOf(actor));
    const identityQuestionIds =
      actor.type === 'operator' && card.profile.validateSecurityQuestions
        ? await chooseQuestions(
            tx,
            card.user.id,
            card.profile,
            card.profile.securityQuestionsAsked,
            "this card's profile makes the help desk check them: verify the caller another way and ask an admin",
          )
        : [];
    const session = await insertOfflineUnblock(tx, {
      identityQuestionIds,
      cardId,
      userId: card.user.id,
      startedByType: actor.type,
      startedById: actor.id,
      startedByName: actor.username,
      ticket: ticket ?? null,
      expiresAt: new Date(Date.now() + SESSION_MINUTES * 60_000),
    });
    await appendAuditEvent(tx, {
      ...auditActor(actor),
      action: 'offline_unblock.started',
      cardId,
      userId: card.user.id,
      sessionId: session.id,
      ticket: ticket ?? null,
      details: { serial: card.serial, attemptsRemaining: attemptsRemaining(card) },
    });
    return toSession(tx, session, card);
  });
}

/**
 * Sessions for the help desk; `awaitingApproval` lists what waits for a supervisor now: per card, the
 * newest open session, when its next response is the last attempt and nobody approved it yet.
 */
export async function listOfflineUnblockSessions(
  ctx: ServiceContext,
  query: {
    state?: OfflineUnblockRecord['state'] | undefined;
    cardId?: string | undefined;
    awaitingApproval?: boolean | undefined;
    limit: number;
  },
): Promise<OfflineUnblockSession[]> {
  const sessions = await listOfflineUnblocks(ctx.db, query);
  const views: OfflineUnblockSession[] = [];
  for (const session of sessions) {
    const view = await toSession(ctx.db, session, await requireCard(ctx.db, session.cardId));
    if (!query.awaitingApproval || view.approval.requiredForNextResponse) views.push(view);
  }
  return views;
}

export async function getOfflineUnblock(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
): Promise<OfflineUnblockSession> {
  const session =
    actor.type === 'operator'
      ? await findOfflineUnblock(ctx.db, id)
      : await requireOwnSession(ctx.db, actor, id, false);
  if (!session) throw new AppError('offline_unblock.not_found', 'no unblock session has that id');
  return toSession(ctx.db, session, await requireCard(ctx.db, session.cardId));
}

/** A supervisor or admin, other than who started it, approves the session's last-attempt response. */
export async function approveOfflineUnblock(
  ctx: ServiceContext,
  actor: OperatorActor,
  id: string,
  ticket: string | undefined,
): Promise<OfflineUnblockSession> {
  return ctx.db.transaction(async (tx) => {
    const session = await lockOfflineUnblock(tx, id);
    if (!session) throw new AppError('offline_unblock.not_found', 'no unblock session has that id');
    if (session.startedByType === 'operator' && session.startedById === actor.id) {
      throw new AppError(
        'offline_unblock.self_approval',
        'another supervisor or admin must approve the last attempt, not the operator who started it',
      );
    }
    requireOpen(session);
    await recordApproval(tx, id, actor);
    await appendAuditEvent(tx, {
      ...sessionAudit(actor, session, ticket),
      action: 'offline_unblock.approved',
      details: { startedBy: session.startedByName },
    });
    return reloadSession(tx, id);
  });
}

/** Refusals that say something about the card's budget are audited (outside the failed transaction). */
const AUDITED_REFUSALS = new Set([
  'offline_unblock.approval_required',
  'offline_unblock.attempts_exhausted',
  'self_service.last_attempt',
]);

/** Computes and counts the response to `challengeText` for the session's card. */
export async function issueResponse(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
  challengeText: string,
): Promise<IssuedResponse> {
  try {
    const issued = await ctx.db.transaction((tx) => issueInTransaction(ctx, tx, actor, id, challengeText));
    ctx.notifier.kick();
    return issued;
  } catch (error) {
    if (error instanceof AppError && AUDITED_REFUSALS.has(error.code)) {
      const session = await findOfflineUnblock(ctx.db, id);
      await appendAuditEvent(ctx.db, {
        ...(session ? sessionAudit(actor, session) : auditActor(actor)),
        action: 'offline_unblock.response_refused',
        details: { reason: error.code },
      });
    }
    throw error;
  }
}

async function issueInTransaction(
  ctx: ServiceContext,
  tx: Database,
  actor: Actor,
  id: string,
  challengeText: string,
): Promise<IssuedResponse> {
  const session = await requireOwnSession(tx, actor, id, true);
  requireOpen(session);
  const card = await requireCard(tx, session.cardId);
  const digits = challengeDigits(card);
  const challenge = parseChallenge(challengeText, [digits]);
  if (!challenge.ok) throw new AppError(challenge.problem.code, challenge.problem.message);
  await refuseUnavailable(tx, card, useCaseOf(actor));
  if (session.identityQuestionIds.length > 0 && session.identityVerifiedAt === null) {
    throw new AppError(
      'offline_unblock.identity_required',
      "check the caller's security answers first: this card's profile requires it before a response is issued",
    );
  }
  const policy: LastAttemptPolicy =
    actor.type === 'cardholder'
      ? {
          kind: 'refuse',
          code: 'self_service.last_attempt',
          message:
            'only one admin-key attempt is left for this card, and self-service does not use it: call the help desk',
        }
      : { kind: 'needs-approval', approved: session.approvedAt !== null };
  const spent = await spendAttempt(ctx, tx, card, challenge.bytes, policy);
  await recordResponseIssued(tx, id);
  if (spent.wasLastAttempt) await consumeApproval(tx, id);
  await appendAuditEvent(tx, {
    ...sessionAudit(actor, session),
    action: 'offline_unblock.response_issued',
    details: {
      serial: card.serial,
      challengeDigest: challengeDigest(challenge.hex),
      attemptsRemaining: spent.attemptsRemaining,
      ...(spent.wasLastAttempt ? { lastAttempt: true, approvedBy: session.approvedByName } : {}),
    },
  });
  await notifyResponseIssued(
    ctx,
    tx,
    card,
    actor.type === 'operator' ? 'help desk' : 'self-service',
    actor.type === 'operator' ? actor.username : undefined,
  );

  return {
    response: spent.response,
    responseGroups: groupHex(spent.response),
    responsePhonetic: phoneticReadBack(spent.response),
    challenge: challenge.hex,
    challengeGroups: groupHex(challenge.hex),
    corrections: [...challenge.corrections],
    attemptsRemaining: spent.attemptsRemaining,
  };
}

/**
 * The operator types the caller's answers to the session's questions. Wrong answers count toward the
 * cardholder's lockout, the same count online unlock uses; the audit says passed or failed, never what.
 */
export async function verifyIdentity(
  ctx: ServiceContext,
  actor: OperatorActor,
  id: string,
  answers: readonly { questionId: string; answer: string }[],
): Promise<{ verified: true }> {
  const session = await requireOwnSession(ctx.db, actor, id, false);
  requireOpen(session);
  if (session.identityQuestionIds.length === 0 || session.identityVerifiedAt !== null)
    return { verified: true };
  const card = await requireCard(ctx.db, session.cardId);
  const check = await checkAnswers(ctx, session.userId, card.profile, session.identityQuestionIds, answers);
  const audit = sessionAudit(actor, session);
  if (check.result === 'verified') {
    await ctx.db.transaction(async (tx) => {
      await recordIdentityVerified(tx, id);
      await appendAuditEvent(tx, {
        ...audit,
        action: 'identity.check_passed',
        details: { questions: session.identityQuestionIds.length },
      });
    });
    return { verified: true };
  }
  const attemptsRemaining = check.result === 'wrong' ? check.attemptsRemaining : 0;
  await appendAuditEvent(ctx.db, {
    ...audit,
    action: 'identity.check_failed',
    details: { attemptsRemaining },
  });
  if (check.result === 'locked') {
    throw new AppError(
      'identity.locked',
      'too many wrong security answers: the card holder is locked out until an admin clears it',
      {
        attemptsRemaining: 0,
      },
    );
  }
  throw new AppError(
    'identity.wrong_answers',
    `the answers do not match; ${attemptsRemaining} wrong answers left before the card holder is locked out`,
    {
      attemptsRemaining,
    },
  );
}

/** Records whether the card accepted the response; a confirmed unblock resets the attempt count. */
export async function recordOutcome(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
  result: 'unblocked' | 'failed',
  ticket: string | undefined,
): Promise<OfflineUnblockSession> {
  return ctx.db.transaction(async (tx) => {
    const session = await requireOwnSession(tx, actor, id, true);
    if (session.state !== 'open') {
      throw new AppError('offline_unblock.closed', `this unblock session is ${session.state} already`);
    }
    if (session.responsesIssued === 0) {
      throw new AppError(
        'offline_unblock.no_response',
        'no response was issued in this session; get a response first, or cancel',
      );
    }
    if (result === 'unblocked') await resetAttempts(tx, session.cardId);
    const keyBlocked = result === 'failed' && (await blockKeyIfExhausted(tx, session.cardId));
    await closeOfflineUnblock(tx, id, result);
    await appendAuditEvent(tx, {
      ...sessionAudit(actor, session, ticket),
      action: 'offline_unblock.outcome_recorded',
      details: {
        result,
        responsesIssued: session.responsesIssued,
        ...(keyBlocked ? { adminKeyBlocked: true } : {}),
      },
    });
    return reloadSession(tx, id);
  });
}

/** Cancels an open session: by who started it, or by a supervisor or admin. */
export async function cancelOfflineUnblock(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
): Promise<OfflineUnblockSession> {
  return ctx.db.transaction(async (tx) => {
    const overseer = actor.type === 'operator' && (actor.role === 'supervisor' || actor.role === 'admin');
    const session = overseer
      ? await lockOfflineUnblock(tx, id)
      : await requireOwnSession(tx, actor, id, true);
    if (!session) throw new AppError('offline_unblock.not_found', 'no unblock session has that id');
    if (session.state !== 'open') {
      throw new AppError('offline_unblock.closed', `this unblock session is ${session.state} already`);
    }
    await closeOfflineUnblock(tx, id, 'cancelled');
    await appendAuditEvent(tx, {
      ...sessionAudit(actor, session),
      action: 'offline_unblock.cancelled',
      details: { responsesIssued: session.responsesIssued },
    });
    return reloadSession(tx, id);
  });
}
