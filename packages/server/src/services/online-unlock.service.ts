/**
 * Online unlock from the cardholder's workstation: no bearer token, the security answers are the proof.
 * Guarded by the per-cardholder answer lockout, rate limits per client address and per card (in the
 * database, so they hold across instances), short sessions, one response per session, and never the
 * card's last admin-key attempt (that one is the help desk's).
 */
import { groupHex, parseChallenge } from '@cardwarden/protocol';
import type { OnlineUnlockResponse, OnlineUnlockSession } from '@cardwarden/contract';
import { AppError } from '../errors.js';
import { resetAttempts } from '../repositories/admin-key.repository.js';
import { appendAuditEvent } from '../repositories/audit.repository.js';
import { findCardBySerial, type CardRecord } from '../repositories/card.repository.js';
import {
  insertOnlineUnlock,
  lockOnlineUnlock,
  setOnlineUnlockState,
  type OnlineUnlockRecord,
} from '../repositories/online-unlock.repository.js';
import { hitRateLimit } from '../repositories/rate-limit.repository.js';
import {
  blockKeyIfExhausted,
  challengeDigest,
  notifyResponseIssued,
  spendAttempt,
} from './admin-key-response.js';
import { attemptsRemaining, unavailableReason } from './availability.js';
import { requireCard } from './card.service.js';
import type { ServiceContext } from './context.js';
import { checkAnswers, chooseQuestions, lockoutStatus, questionTexts } from './identity.service.js';
import { challengeDigits, iso } from './views.js';

export const ONLINE_SESSION_MINUTES = 10;
const HELP_DESK = 'use offline unblock with the help desk';

async function limitRate(ctx: ServiceContext, key: string, limit: number): Promise<void> {
  const count = await hitRateLimit(ctx.db, key, ctx.onlineUnlockLimits.windowMinutes * 60);
  if (count > limit) {
    throw new AppError(
      'online_unlock.rate_limited',
      `too many online unlock attempts; wait ${ctx.onlineUnlockLimits.windowMinutes} minutes, or ${HELP_DESK}`,
    );
  }
}

const limitAddress = (ctx: ServiceContext, address: string) =>
  limitRate(ctx, `online-unlock:address:${address}`, ctx.onlineUnlockLimits.perAddress);
/** Counts answer submissions per card (starting a session costs nothing on the card's side). */
const limitCard = (ctx: ServiceContext, cardId: string) =>
  limitRate(ctx, `online-unlock:card:${cardId}`, ctx.onlineUnlockLimits.perCard);

/** Refuses a card that online unlock may not serve now, with a code the tool turns into advice. */
function refuseUnavailable(card: CardRecord): void {
  // The installation's offline-unblock switch does not concern online unlock: its profile switch does.
  const problem = unavailableReason(card, 'onlineUnlock', { offlineUnblock: true });
  if (problem?.reason === 'offline_unblock.use_case_disabled') {
    throw new AppError(
      'online_unlock.use_case_disabled',
      `online unlock is not enabled for this card; ${HELP_DESK}`,
    );
  }
  if (problem) throw new AppError(problem.reason, `${problem.message}; ${HELP_DESK}`);
  if (attemptsRemaining(card) <= 1) {
    throw new AppError(
      'online_unlock.last_attempt',
      `only the card's last admin-key attempt is left, and only the help desk may use it; ${HELP_DESK}`,
    );
  }
}

function requireOpen(session: OnlineUnlockRecord | undefined): OnlineUnlockRecord {
  if (!session)
    throw new AppError('online_unlock.not_found', 'no online unlock session has that id; start again');
  if (session.state !== 'open')
    throw new AppError('online_unlock.closed', `this session is ${session.state}; start again`);
  if (session.expiresAt.getTime() <= Date.now()) {
    throw new AppError(
      'online_unlock.expired',
      `this session expired after ${ONLINE_SESSION_MINUTES} minutes; start again`,
    );
  }
  return session;
}

export async function startOnlineUnlock(
  ctx: ServiceContext,
  cardSerial: string,
  address: string,
): Promise<OnlineUnlockSession> {
  await limitAddress(ctx, address);
  const card = await findCardBySerial(ctx.db, cardSerial);
  if (!card)
    throw new AppError('card.not_found', `this card is not registered with Cardwarden; ${HELP_DESK}`);
  refuseUnavailable(card);
  const questionIds = await chooseQuestions(
    ctx.db,
    card.user.id,
    card.profile,
    card.profile.securityQuestionsRequired,
    HELP_DESK,
  );
  const session = await ctx.db.transaction(async (tx) => {
    const created = await insertOnlineUnlock(tx, {
      cardId: card.id,
      userId: card.user.id,
      questionIds,
      clientAddress: address,
      expiresAt: new Date(Date.now() + ONLINE_SESSION_MINUTES * 60_000),
    });
    await appendAuditEvent(tx, {
      actor: card.user.username,
      actorType: 'cardholder',
      action: 'online_unlock.started',
      cardId: card.id,
      userId: card.user.id,
      sessionId: created.id,
      details: { serial: card.serial, address },
    });
    return created;
  });
  const { attemptsRemaining: answerAttemptsRemaining } = await lockoutStatus(
    ctx.db,
    card.user.id,
    card.profile,
  );
  return {
    id: session.id,
    questions: await questionTexts(ctx.db, questionIds),
    pinRules: {
      minLength: card.profile.pinMinLength,
      maxLength: card.profile.pinMaxLength,
      digitsOnly: card.profile.pinDigitsOnly,
    },
    challengeLength: challengeDigits(card),
    answerAttemptsRemaining,
    expiresAt: iso(session.expiresAt),
  };
}

export async function respondOnline(
  ctx: ServiceContext,
  id: string,
  input: { answers: readonly { questionId: string; answer: string }[]; challenge: string },
  address: string,
): Promise<OnlineUnlockResponse> {
  await limitAddress(ctx, address);
  const session = requireOpen(await ctx.db.transaction((tx) => lockOnlineUnlock(tx, id)));
  const card = await requireCard(ctx.db, session.cardId);
  await limitCard(ctx, card.id);
  const challenge = parseChallenge(input.challenge, [challengeDigits(card)]);
  if (!challenge.ok) throw new AppError(challenge.problem.code, challenge.problem.message);
  refuseUnavailable(card);

  const audit = {
    actor: card.user.username,
    actorType: 'cardholder' as const,
    cardId: card.id,
    userId: card.user.id,
    sessionId: id,
  };
  const check = await checkAnswers(ctx, card.user.id, card.profile, session.questionIds, input.answers);
  if (check.result !== 'verified') {
    const remaining = check.result === 'wrong' ? check.attemptsRemaining : 0;
    await appendAuditEvent(ctx.db, {
      ...audit,
      action: 'online_unlock.answers_wrong',
      details: { attemptsRemaining: remaining, address },
    });
    if (check.result === 'locked') {
      throw new AppError(
        'identity.locked',
        `too many wrong answers: online unlock is locked for you; ${HELP_DESK}`,
        { attemptsRemaining: 0 },
      );
    }
    throw new AppError(
      'online_unlock.wrong_answers',
      `the answers do not match; ${remaining} tries left before online unlock locks`,
      {
        attemptsRemaining: remaining,
      },
    );
  }

  const spent = await ctx.db.transaction(async (tx) => {
    requireOpen(await lockOnlineUnlock(tx, id));
    const current = await requireCard(tx, card.id);
    refuseUnavailable(current);
    const result = await spendAttempt(ctx, tx, current, challenge.bytes, {
      kind: 'refuse',
      code: 'online_unlock.last_attempt',
      message: `only the card's last admin-key attempt is left; ${HELP_DESK}`,
    });
    await setOnlineUnlockState(tx, id, 'responded');
    await appendAuditEvent(tx, {
      ...audit,
      action: 'online_unlock.response_issued',
      details: {
        serial: card.serial,
        challengeDigest: challengeDigest(challenge.hex),
        attemptsRemaining: result.attemptsRemaining,
        address,
      },
    });
    await notifyResponseIssued(ctx, tx, card, 'online unlock');

    return result;
  });
  ctx.notifier.kick();
  return {
    response: spent.response,
    responseGroups: groupHex(spent.response),
    adminKeyAttemptsRemaining: spent.attemptsRemaining,
  };
}

/** The tool reports whether the card took the response; "unblocked" resets the admin-key count. */
export async function recordOnlineOutcome(
  ctx: ServiceContext,
  id: string,
  result: 'unblocked' | 'failed',
): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const session = await lockOnlineUnlock(tx, id);
    if (!session) throw new AppError('online_unlock.not_found', 'no online unlock session has that id');
    if (session.state !== 'responded') {
      throw new AppError(
        'online_unlock.closed',
        session.state === 'open'
          ? 'no response was issued in this session'
          : `the outcome was recorded already (${session.state})`,
      );
    }
    if (result === 'unblocked') await resetAttempts(tx, session.cardId);
    const keyBlocked = result === 'failed' && (await blockKeyIfExhausted(tx, session.cardId));
    await setOnlineUnlockState(tx, id, result);
    await appendAuditEvent(tx, {
      actor: 'workstation',
      actorType: 'anonymous',
      action: 'online_unlock.outcome_recorded',
      cardId: session.cardId,
      userId: session.userId,
      sessionId: id,
      details: { result, ...(keyBlocked ? { adminKeyBlocked: true } : {}) },
    });
  });
}
