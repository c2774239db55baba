/**
 * Online unlock's own lockout per cardholder: wrong answers from the anonymous endpoint lock online unlock
 * (never the help desk's identity check, so a cardholder whose online unlock was attacked can still be
 * verified on the phone) for 15 minutes, doubled at each further lock up to 24 hours, never for ever.
 * The questions asked stay the same until answered right or a lock ends, so a caller cannot re-roll
 * sessions to pick the questions they know.
 */
import { secureRandomInt } from '@cardwarden/protocol/crypto';
import { AppError } from '../errors.js';
import type { Database } from '../db/database.js';
import type { CardRecord } from '../repositories/card.repository.js';
import {
  countWrongOnlineAnswer,
  endExpiredOnlineLock,
  getOnlineLockout,
  lockOnlineLockout,
  resetOnlineLockout,
  storeOnlineQuestions,
} from '../repositories/online-lockout.repository.js';
import { listAnswers } from '../repositories/security-question.repository.js';
import { messages } from '../notifications/messages.en.js';
import type { ServiceContext } from './context.js';
import { answersMatch } from './identity.service.js';
import { afterCommit, type Transaction, type UnitOfWork } from '../db/unit-of-work.js';

/** The first lock's length and the longest; each lock lasts twice the one before. */
export const ONLINE_LOCK_MINUTES = { first: 15, longest: 24 * 60 } as const;

function describeWait(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 120) return `${minutes} minutes`;
  return `${Math.floor(minutes / 60)} hours ${minutes % 60} minutes`;
}

/** 423 `identity.locked` with the time left, in the message and as `retryAfter` (seconds). */
export function onlineLockedError(until: Date, now: Date, advice: string): AppError {
  const seconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  return new AppError(
    'identity.locked',
    `too many wrong answers: online unlock is locked for this cardholder for ${describeWait(seconds)} more; ${advice}`,
    { attemptsRemaining: 0, retryAfter: seconds },
  );
}

/**
 * The questions online unlock asks the card's holder now, stored so that every session asks the same.
 * @throws AppError `identity.locked` while online unlock is locked for them.
 */
export async function onlineQuestionsFor(
  tx: Transaction,
  card: CardRecord,
  advice: string,
): Promise<{ questionIds: string[]; attemptsRemaining: number }> {
  const state = await lockOnlineLockout(tx, card.user.id);
  if (!state) throw new AppError('user.not_found', 'the card holder no longer exists');
  let { failedAttempts, questionIds } = state;
  if (state.lockedUntil !== null) {
    if (state.lockedUntil > state.now) throw onlineLockedError(state.lockedUntil, state.now, advice);
    await endExpiredOnlineLock(tx, card.user.id);
    failedAttempts = 0;
    questionIds = null;
  }
  const answered = (await listAnswers(tx, card.user.id)).map((answer) => answer.questionId);
  const wanted = Math.min(card.profile.securityQuestionsAsked, answered.length);
  // Stored questions stand while the cardholder still has answers to them all (else pick again).
  if (questionIds?.length !== wanted || !questionIds.every((id) => answered.includes(id))) {
    const pool = [...answered];
    questionIds = [];
    while (questionIds.length < wanted) {
      const [picked] = pool.splice(secureRandomInt(pool.length), 1);
      if (picked) questionIds.push(picked);
    }
    await storeOnlineQuestions(tx, card.user.id, questionIds);
  }
  return {
    questionIds,
    attemptsRemaining: Math.max(0, card.profile.securityMaxFailedAttempts - failedAttempts),
  };
}

/**
 * The request's slot in the anonymous lane (http/anonymous-admission.ts), given up while the answers
 * wait for and take their argon2 verification (bounded by its own gate), taken again after.
 */
export interface LaneStep {
  stepOut(): void;
  stepIn(): Promise<void>;
}

export type OnlineAnswerCheck =
  | { readonly result: 'verified' }
  | { readonly result: 'wrong'; readonly attemptsRemaining: number }
  | { readonly result: 'locked'; readonly error: AppError };

/** Checks of each cardholder's answers under way on this instance, per database: the last in line. */
const turns = new WeakMap<Database, Map<string, Promise<unknown>>>();

/** Runs `task` once the checks of `userId` queued before it are done. */
async function inTurn<T>(db: Database, userId: string, task: () => Promise<T>): Promise<T> {
  let queue = turns.get(db);
  if (!queue) {
    queue = new Map();
    turns.set(db, queue);
  }
  const before = queue.get(userId);
  const run = before ? before.then(task, task) : task();
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  queue.set(userId, settled);
  try {
    return await run;
  } finally {
    if (queue.get(userId) === settled) queue.delete(userId);
  }
}

async function checkInTurn(
  ctx: ServiceContext,
  uow: UnitOfWork,
  card: CardRecord,
  questionIds: string[],
  answers: readonly { questionId: string; answer: string }[],
  advice: string,
): Promise<OnlineAnswerCheck> {
  const limit = card.profile.securityMaxFailedAttempts;
  const before = await getOnlineLockout(ctx.db, card.user.id);
  if (!before) throw new AppError('user.not_found', 'the card holder no longer exists');
  if (before.lockedUntil !== null && before.lockedUntil > before.now) {
    return { result: 'locked', error: onlineLockedError(before.lockedUntil, before.now, advice) };
  }
  // A cardholder with wrong answers counted already waits behind the others for argon2 (and is refused
  // first when its queue is full): under a flood of guesses, a legitimate cardholder is verified first.
  const priority = before.failedAttempts > 0 ? 'suspect' : 'anonymous';
  const right = await answersMatch(ctx.db, card.user.id, questionIds, answers, priority);
  return uow(async (tx): Promise<OnlineAnswerCheck> => {
    const state = await lockOnlineLockout(tx, card.user.id);
    if (!state) throw new AppError('user.not_found', 'the card holder no longer exists');
    if (state.lockedUntil !== null && state.lockedUntil > state.now) {
      return { result: 'locked', error: onlineLockedError(state.lockedUntil, state.now, advice) };
    }
    if (state.lockedUntil !== null) await endExpiredOnlineLock(tx, card.user.id);
    if (right) {
      await resetOnlineLockout(tx, card.user.id);
      return { result: 'verified' };
    }
    const counted = await countWrongOnlineAnswer(
      tx,
      card.user.id,
      limit,
      ONLINE_LOCK_MINUTES.first,
      ONLINE_LOCK_MINUTES.longest,
    );
    if (counted.lockedUntil !== null && counted.failedAttempts >= limit && counted.lockCount === 1) {
      await ctx.notifier.queue(
        tx,
        card.user,
        messages.onlineUnlockLocked({
          displayName: card.user.displayName,
          serial: card.serial,
          at: state.now,
          until: counted.lockedUntil,
        }),
      );
      afterCommit(tx, () => {
        ctx.notifier.kick();
      });
    }
    const attemptsRemaining = Math.max(0, limit - counted.failedAttempts);
    // The wrong answer that used the last attempt begins a lockout (counted once it is committed).
    if (attemptsRemaining === 0) {
      afterCommit(tx, () => {
        ctx.metrics?.lockout('online');
      });
    }
    return { result: 'wrong', attemptsRemaining };
  });
}

/**
 * Checks the answers, then counts the result under the cardholder's row lock (exact across instances):
 * right ones reset the online count, wrong ones count and lock at the profile's `maxFailedAttempts`,
 * emailing the cardholder at the first lock. A locked cardholder is refused before any argon2 work. The
 * answers are verified outside the transaction (on the embedded database a transaction holds its only
 * connection), and a result only counts if the row is still unlocked when it is recorded: concurrent
 * guesses never learn more results than the limit allows.
 * @param lane the request's slot in the anonymous lane, given up during the verification.
 * @throws AppError `auth.rate_limited` (429) when the argon2 queue is full (nothing is counted then).
 */
export async function checkOnlineAnswers(
  ctx: ServiceContext,
  uow: UnitOfWork,
  card: CardRecord,
  questionIds: string[],
  answers: readonly { questionId: string; answer: string }[],
  advice: string,
  lane?: LaneStep,
): Promise<OnlineAnswerCheck> {
  // The check waits for argon2, bounded by its own gate: the lane's slot goes to the next request
  // meanwhile. Concurrent checks of one cardholder take turns (on this instance), so that once the
  // limit is reached the others see the lock and cost no argon2 at all.
  lane?.stepOut();
  try {
    return await inTurn(ctx.db, card.user.id, () =>
      checkInTurn(ctx, uow, card, questionIds, answers, advice),
    );
  } finally {
    await lane?.stepIn();
  }
}
