/**
 * Offline unblock: the card holder reads a challenge from the card, the server answers E_K(challenge)
 * with the card's admin key. Each response may cost one of the card's admin-key attempts, so the
 * server counts them (atomically, under a row lock on the admin key), asks a supervisor to approve the
 * last one, and refuses once none is left.
 */
import { toHex } from '@cardwarden/protocol/hex';
import { groupHex, parseChallenge, phoneticReadBack } from '@cardwarden/protocol/challenge';
import type { IssuedResponse, OfflineUnblockSession, Outcome } from '@cardwarden/contract';
import { AppError, refusalError } from '../errors.js';
import type { Database } from '../db/database.js';
import { appendAuditEvent } from '../repositories/audit.repository.js';
import type { CardRecord } from '../repositories/card.repository.js';
import {
  closeOfflineUnblock,
  closeOwnSession,
  closeSessionWithOutcome,
  findCardToUnblock,
  findOfflineUnblock,
  issueSessionResponse,
  listOfflineUnblocks,
  lockOfflineUnblock,
  lockSessionWithCard,
  readSessionWithCard,
  recordApproval,
  recordIdentityVerified,
  startSession,
  type OfflineUnblockRecord,
  type UnblockCardRow,
  type UnblockVersions,
} from '../repositories/offline-unblock.repository.js';
import {
  dailyBudgetRefusal,
  decideAttempt,
  failureBlocksKey,
  identityCheckRequired,
  identityPending,
  isAttemptRefusal,
  isLastAttempt,
  NO_ATTEMPT_LEFT,
  type AllowedAttempt,
  type AttemptFacts,
} from '@cardwarden/contract/policy';
import {
  approvalNeed,
  challengeDigest,
  notifyResponseIssued,
  responseTo,
  withAdminKey,
} from './admin-key-response.js';
import { checkAnswers, chooseQuestions, questionTexts } from './identity.service.js';
import { attemptsRemaining, unavailableReason, type UnblockUseCase } from './availability.js';
import { requireCard } from './card.service.js';
import { auditActor, type Actor, type OperatorActor, type ServiceContext } from './context.js';
import { OFFLINE_UNBLOCK_SETTING, switchesFrom } from './settings.service.js';
import { challengeDigits, iso, isoOrNull } from './views.js';
import { afterCommit, type Transaction, type UnitOfWork } from '../db/unit-of-work.js';

/** How long an unblock session stays open: one phone call, generously. */
export const SESSION_MINUTES = 30;

function useCaseOf(actor: Actor): UnblockUseCase {
  return actor.type === 'operator' ? 'operatorOfflineUnblock' : 'selfServiceOfflineUnblock';
}

/** Refuses when the card cannot be unblocked now; `offlineUnblockSetting` was read along with the card. */
function refuseUnavailable(
  card: CardRecord,
  useCase: UnblockUseCase,
  offlineUnblockSetting: string | undefined,
): void {
  const problem = unavailableReason(card, useCase, switchesFrom(offlineUnblockSetting));
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
    isLastAttempt(remaining) &&
    session.expiresAt.getTime() > Date.now();
  if (!waiting) return null;
  const since = Math.max(session.createdAt.getTime(), card.adminKey.updatedAt.getTime());
  return new Date(since).toISOString();
}

async function toSession(
  db: Database,
  session: OfflineUnblockRecord,
  card: CardRecord,
  recentResponses?: number,
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
      requiredForNextResponse:
        session.state === 'open' && (await approvalNeed(db, card, recentResponses)) !== null,
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
  return checkOwnSession(actor, lock ? await lockOfflineUnblock(db, id) : await findOfflineUnblock(db, id));
}

function checkOwnSession(actor: Actor, session: OfflineUnblockRecord | undefined): OfflineUnblockRecord {
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

/**
 * Starts an unblock of `cardId`: refused unless the card can be unblocked by this actor now. One read
 * (card, holder, profile, key, switch, budget count) and one write (session and audit event together).
 */
export async function startOfflineUnblock(
  ctx: ServiceContext,
  actor: Actor,
  cardId: string,
  ticket: string | undefined,
): Promise<OfflineUnblockSession> {
  const found = await findCardToUnblock(ctx.db, cardId, OFFLINE_UNBLOCK_SETTING);
  if (!found) throw new AppError('card.not_found', 'no card has that id');
  const { card } = found;
  if (actor.type === 'cardholder' && card.user.id !== actor.id) {
    throw new AppError('card.not_found', 'no card of yours has that id');
  }
  refuseUnavailable(card, useCaseOf(actor), found.offlineUnblockSetting);
  const identityQuestionIds = identityCheckRequired(useCaseOf(actor), card.profile.validateSecurityQuestions)
    ? await chooseQuestions(
        ctx.db,
        card.user.id,
        card.profile,
        card.profile.securityQuestionsAsked,
        "this card's profile makes the help desk check them: verify the caller another way and ask an admin",
      )
    : [];
  const session = await startSession(
    ctx.db,
    {
      identityQuestionIds,
      cardId,
      userId: card.user.id,
      startedByType: actor.type,
      startedById: actor.id,
      startedByName: actor.username,
      ticket: ticket ?? null,
      expiresAt: new Date(Date.now() + SESSION_MINUTES * 60_000),
    },
    { serial: card.serial, attemptsRemaining: attemptsRemaining(card) },
  );
  return toSession(ctx.db, session, card, found.recentResponses);
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
  tx: Transaction,
  actor: OperatorActor,
  id: string,
  ticket: string | undefined,
): Promise<OfflineUnblockSession> {
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
}

/** Computes and counts the response to `challengeText` for the session's card. */
export async function issueResponse(
  ctx: ServiceContext,
  uow: UnitOfWork,
  actor: Actor,
  id: string,
  challengeText: string,
): Promise<IssuedResponse> {
  try {
    const issued =
      (await issueOptimistically(ctx, actor, id, challengeText)) ??
      (await uow((tx) => issueInTransaction(ctx, tx, actor, id, challengeText)));
    return issued;
  } catch (error) {
    // Refusals that say something about the card's budget are audited (outside the failed transaction).
    if (error instanceof AppError && isAttemptRefusal(error.code)) {
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

/** What a response will count and answer, decided from the session and card as read. */
interface IssuePlan {
  readonly card: CardRecord;
  readonly challenge: Extract<ReturnType<typeof parseChallenge>, { ok: true }>;
  /** The policy's facts and its decision to allow the attempt (the 24 h cap is decided as it counts). */
  readonly facts: AttemptFacts;
  readonly attempt: AllowedAttempt;
  readonly count: Omit<Parameters<typeof issueSessionResponse>[1], 'versions'>;
}

/**
 * The rules before a response is counted, on the session and card as read: the actor's own open
 * session, a well-formed challenge, the card available to this actor, the identity checked when the
 * profile asks, and an attempt the policy allows. Throws the refusal otherwise.
 */
function planIssue(
  actor: Actor,
  id: string,
  found: (UnblockCardRow & { session: OfflineUnblockRecord }) | undefined,
  challengeText: string,
): IssuePlan {
  const session = checkOwnSession(actor, found?.session);
  requireOpen(session);
  if (!found) throw new AppError('offline_unblock.not_found', 'no unblock session has that id');
  const { card } = found;
  const digits = challengeDigits(card);
  const challenge = parseChallenge(challengeText, [digits]);
  if (!challenge.ok) throw new AppError(challenge.problem.code, challenge.problem.message);
  refuseUnavailable(card, useCaseOf(actor), found.offlineUnblockSetting);
  const pending = identityPending({
    asked: session.identityQuestionIds.length > 0,
    verified: session.identityVerifiedAt !== null,
  });
  if (pending) throw refusalError(pending);
  const limit = card.profile.adminKeyAttemptLimit;
  const facts: AttemptFacts = {
    useCase: useCaseOf(actor),
    limit,
    attemptsUsed: card.adminKey.attemptsUsed,
    approved: session.approvedAt !== null,
  };
  const attempt = decideAttempt(facts);
  if (!attempt.allowed) throw refusalError(attempt.refusal);
  const { wasLastAttempt } = attempt;
  return {
    card,
    challenge,
    facts,
    attempt,
    // The statement decides the 24 h cap as it counts (see ISSUE_RESPONSE), on the policy's answers here.
    count: {
      cardId: card.id,
      sessionId: id,
      attemptLimit: limit,
      lastAttempt: wasLastAttempt,
      mayExceedBudget: attempt.mayExceedDailyBudget,
      recordApproved: attempt.approvalRecorded,
      // An approval covers the one response it was given for, never a later one.
      consumeApproval: session.approvedAt !== null,
      actor: actor.username,
      actorType: actor.type,
      userId: session.userId,
      ticket: session.ticket,
      details: {
        serial: card.serial,
        challengeDigest: challengeDigest(challenge.hex),
        ...(wasLastAttempt ? { lastAttempt: true, approvedBy: session.approvedByName } : {}),
      },
      detailsBeyondBudget: { beyondDailyBudget: true, approvedBy: session.approvedByName },
    },
  };
}

function issuedAnswer(plan: IssuePlan, response: string, attemptsUsed: number): IssuedResponse {
  return {
    response,
    responseGroups: groupHex(response),
    responsePhonetic: phoneticReadBack(response),
    challenge: plan.challenge.hex,
    challengeGroups: groupHex(plan.challenge.hex),
    corrections: [...plan.challenge.corrections],
    attemptsRemaining: plan.count.attemptLimit - attemptsUsed,
  };
}

/**
 * The usual response in two statements and no transaction: one read (nothing locked), then one write
 * that locks the session and the admin key and counts only if neither changed since the read (see
 * ISSUE_RESPONSE), so it decides on what the locked path would have read. E_K(challenge) is computed
 * before the write and answered only if the write counted it. Undefined whenever anything is not
 * plainly allowed or a row changed: the locked path then decides, and says why when it refuses. Not
 * used when notifications are sent: their messages are queued in the transaction that counts.
 */
async function issueOptimistically(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
  challengeText: string,
): Promise<IssuedResponse | undefined> {
  if (ctx.notifier.enabled) return undefined;
  const found = await readSessionWithCard(ctx.db, id, OFFLINE_UNBLOCK_SETTING);
  if (!found) return undefined;
  let plan: IssuePlan;
  try {
    plan = planIssue(actor, id, found, challengeText);
  } catch (error) {
    if (error instanceof AppError) return undefined;
    throw error;
  }
  const { card, challenge } = plan;
  const response = toHex(
    await withAdminKey(ctx, ctx.db, card, found.adminKey, (key) =>
      responseTo(challenge.bytes)(card.adminKey.algorithm, key),
    ),
  );
  const versions: UnblockVersions = found.versions;
  const counted = await issueSessionResponse(ctx.db, { ...plan.count, versions });
  return counted.attemptsUsed === undefined ? undefined : issuedAnswer(plan, response, counted.attemptsUsed);
}

/**
 * One read that locks the session and the card's admin key (the lock serialises every attempt on the
 * card across instances), one write that checks the 24 h budget and counts, records and audits the
 * response; then E_K(challenge) with the opened key.
 */
async function issueInTransaction(
  ctx: ServiceContext,
  tx: Transaction,
  actor: Actor,
  id: string,
  challengeText: string,
): Promise<IssuedResponse> {
  const found = await lockSessionWithCard(tx, id, OFFLINE_UNBLOCK_SETTING, true);
  const plan = planIssue(actor, id, found, challengeText);
  if (!found) throw new AppError('offline_unblock.not_found', 'no unblock session has that id');
  const { card, challenge, facts, attempt } = plan;
  const counted = await issueSessionResponse(tx, plan.count);
  if (counted.attemptsUsed === undefined) {
    if (counted.overBudget) {
      throw refusalError(dailyBudgetRefusal(facts.useCase, facts.limit, attempt.remainingBefore));
    }
    throw refusalError(NO_ATTEMPT_LEFT);
  }
  const response = toHex(
    await withAdminKey(ctx, tx, card, found.adminKey, (key) =>
      responseTo(challenge.bytes)(card.adminKey.algorithm, key),
    ),
  );
  await notifyResponseIssued(
    ctx,
    tx,
    card,
    actor.type === 'operator' ? 'help desk' : 'self-service',
    actor.type === 'operator' ? actor.username : undefined,
  );
  afterCommit(tx, () => {
    ctx.notifier.kick();
  });
  return issuedAnswer(plan, response, counted.attemptsUsed);
}

/**
 * The operator types the caller's answers to the session's questions. Wrong answers count toward the
 * cardholder's lockout, the same count online unlock uses; the audit says passed or failed, never what.
 */
export async function verifyIdentity(
  ctx: ServiceContext,
  uow: UnitOfWork,
  actor: OperatorActor,
  id: string,
  answers: readonly { questionId: string; answer: string }[],
): Promise<{ verified: true }> {
  const session = await requireOwnSession(ctx.db, actor, id, false);
  requireOpen(session);
  if (session.identityQuestionIds.length === 0 || session.identityVerifiedAt !== null)
    return { verified: true };
  const card = await requireCard(ctx.db, session.cardId);
  const check = await uow((tx) =>
    checkAnswers(ctx, tx, session.userId, card.profile, session.identityQuestionIds, answers),
  );
  const audit = sessionAudit(actor, session);
  if (check.result === 'verified') {
    await uow(async (tx) => {
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

/**
 * Records whether the card accepted the response; a confirmed unblock resets the attempt count. Usually
 * one statement (closeOwnSession); otherwise one read that locks the session and one write (state,
 * count, blocked mark, audit event). The answer is built from what they returned.
 */
export async function recordOutcome(
  ctx: ServiceContext,
  uow: UnitOfWork,
  actor: Actor,
  id: string,
  result: Outcome,
  ticket: string | undefined,
): Promise<OfflineUnblockSession> {
  const closed = await closeOwnSession(ctx.db, {
    sessionId: id,
    state: result,
    actorType: actor.type,
    actorId: actor.id,
    actorName: actor.username,
    ticket: ticket ?? null,
    settingKey: OFFLINE_UNBLOCK_SETTING,
  });
  if (closed) return toSession(ctx.db, closed.session, closed.card);
  // Not the actor's open session with a response: the locked path finds out why (or closes it after all).
  return uow(async (tx) => {
    const found = await lockSessionWithCard(tx, id, OFFLINE_UNBLOCK_SETTING, false);
    const session = checkOwnSession(actor, found?.session);
    if (!found) throw new AppError('offline_unblock.not_found', 'no unblock session has that id');
    if (session.state !== 'open') {
      throw new AppError('offline_unblock.closed', `this unblock session is ${session.state} already`);
    }
    if (session.responsesIssued === 0) {
      throw new AppError(
        'offline_unblock.no_response',
        'no response was issued in this session; get a response first, or cancel',
      );
    }
    const { card } = found;
    // A failure reported when no attempt is left: the card refused its last attempt, its key is blocked.
    const keyBlocked = result === 'failed' && failureBlocksKey(attemptsRemaining(card));
    const closed = await closeSessionWithOutcome(tx, {
      sessionId: id,
      state: result,
      cardId: session.cardId,
      resetAttempts: result === 'unblocked',
      markKeyBlocked: keyBlocked,
      ...auditActor(actor),
      userId: session.userId,
      ticket: ticket ?? session.ticket,
      details: {
        result,
        responsesIssued: session.responsesIssued,
        ...(keyBlocked ? { adminKeyBlocked: true } : {}),
      },
    });
    const adminKey = {
      ...card.adminKey,
      ...(closed.resetAt ? { attemptsUsed: 0, updatedAt: closed.resetAt } : {}),
      ...(closed.blockedAt ? { blockedAt: closed.blockedAt } : {}),
    };
    return toSession(tx, { ...session, state: result, closedAt: closed.closedAt }, { ...card, adminKey });
  });
}

/** Cancels an open session: by who started it, or by a supervisor or admin. */
export async function cancelOfflineUnblock(
  ctx: ServiceContext,
  tx: Transaction,
  actor: Actor,
  id: string,
): Promise<OfflineUnblockSession> {
  const overseer = actor.type === 'operator' && (actor.role === 'supervisor' || actor.role === 'admin');
  const session = overseer ? await lockOfflineUnblock(tx, id) : await requireOwnSession(tx, actor, id, true);
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
}
