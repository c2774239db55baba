/**
 * Identity checks with security answers: which questions to ask, and checking the answers with a
 * lockout per cardholder (whose answers they are), counted under a row lock so that concurrent guesses
 * across instances never get more tries than the limit.
 */
import { secureRandomInt } from '@cardwarden/protocol/crypto';
import { PROFILE_DEFAULTS } from '@cardwarden/contract';
import { answersNeeded } from '@cardwarden/contract/policy';
import { AppError } from '../errors.js';
import { verifyAll } from '../auth/password.js';
import type { GatePriority } from '../auth/argon2-gate.js';
import type { Database } from '../db/database.js';
import { appendAuditEvent } from '../repositories/audit.repository.js';
import {
  countAnswers,
  findSecurityQuestions,
  listAnswers,
} from '../repositories/security-question.repository.js';
import {
  countWrongAnswer,
  getLockoutState,
  lockLockoutState,
  markLocked,
  resetLockout,
} from '../repositories/security-lockout.repository.js';
import type { ProfileRow } from '../repositories/profile.repository.js';
import { getOnlineLockout, resetOnlineLockout } from '../repositories/online-lockout.repository.js';
import { normalizeAnswer } from './answer-normalization.js';
import { auditActor, type OperatorActor, type ServiceContext } from './context.js';
import { afterCommit, type Transaction } from '../db/unit-of-work.js';

export type AnswerCheck =
  | { readonly result: 'verified' }
  | { readonly result: 'wrong'; readonly attemptsRemaining: number }
  | { readonly result: 'locked' };

/** Whether the cardholder is locked out, and how many wrong answers they have left under `profile`. */
export async function lockoutStatus(
  db: Database,
  userId: string,
  profile: ProfileRow,
): Promise<{ locked: boolean; attemptsRemaining: number }> {
  const state = await getLockoutState(db, userId);
  const failed = state?.failedAttempts ?? 0;
  const locked = state?.lockedAt != null || failed >= profile.securityMaxFailedAttempts;
  return { locked, attemptsRemaining: locked ? 0 : profile.securityMaxFailedAttempts - failed };
}

/**
 * Picks `profile.securityQuestionsAsked` of the cardholder's answered questions at random.
 * @throws AppError `identity.answers_not_set` when they answered fewer than `minimum`, `identity.locked` when locked out.
 */
export async function chooseQuestions(
  db: Database,
  userId: string,
  profile: ProfileRow,
  minimum: number,
  advice: string,
): Promise<string[]> {
  if ((await lockoutStatus(db, userId, profile)).locked) {
    throw new AppError(
      'identity.locked',
      `too many wrong security answers: the card holder is locked out; ${advice}`,
    );
  }
  const answers = await listAnswers(db, userId);
  const needed = answersNeeded(minimum);
  if (answers.length < needed) {
    throw new AppError(
      'identity.answers_not_set',
      `the card holder has set ${answers.length} security answers and needs ${needed}; ${advice}`,
    );
  }
  const pool = answers.map((answer) => answer.questionId);
  const chosen: string[] = [];
  const wanted = Math.min(profile.securityQuestionsAsked, pool.length);
  while (chosen.length < wanted) {
    const [picked] = pool.splice(secureRandomInt(pool.length), 1);
    if (picked) chosen.push(picked);
  }
  return chosen;
}

/** The texts of `questionIds`, in that order. */
export async function questionTexts(
  db: Database,
  questionIds: string[],
): Promise<{ id: string; text: string }[]> {
  const found = await findSecurityQuestions(db, questionIds);
  return questionIds.map((id) => ({
    id,
    text: found.find((q) => q.id === id)?.text ?? '(question removed)',
  }));
}

/**
 * Checks the answers to exactly `questionIds`. Every answer is hashed and compared (no early exit), so
 * the time does not tell which one was wrong; right answers reset the count, wrong ones add one.
 */
export async function checkAnswers(
  ctx: ServiceContext,
  tx: Transaction,
  userId: string,
  profile: ProfileRow,
  questionIds: string[],
  answers: readonly { questionId: string; answer: string }[],
): Promise<AnswerCheck> {
  const limit = profile.securityMaxFailedAttempts;
  const state = await lockLockoutState(tx, userId);
  if (!state) throw new AppError('user.not_found', 'the card holder no longer exists');
  if (state.lockedAt !== null || state.failedAttempts >= limit) {
    await markLocked(tx, userId);
    return { result: 'locked' };
  }
  if (await answersMatch(tx, userId, questionIds, answers)) {
    await resetLockout(tx, userId);
    return { result: 'verified' };
  }
  const failed = await countWrongAnswer(tx, userId, limit);
  const attemptsRemaining = Math.max(0, limit - failed);
  // The wrong answer that used the last attempt begins a lockout (counted once it is committed).
  if (attemptsRemaining === 0) {
    afterCommit(tx, () => {
      ctx.metrics?.lockout('help_desk');
    });
  }
  return { result: 'wrong', attemptsRemaining };
}

/**
 * Whether `answers` answer exactly `questionIds` right. Every answer is hashed and compared (no early
 * exit), so the time does not tell which one was wrong. Counts nothing. `priority`: the help desk's
 * check waits ahead of anonymous ones in the argon2 gate and is never refused.
 * @throws AppError `auth.rate_limited` (429) when an anonymous check finds the argon2 queue full.
 */
export async function answersMatch(
  db: Database,
  userId: string,
  questionIds: readonly string[],
  answers: readonly { questionId: string; answer: string }[],
  priority: GatePriority = 'signed-in',
): Promise<boolean> {
  const stored = new Map(
    (await listAnswers(db, userId)).map((answer) => [answer.questionId, answer.answerHash]),
  );
  const results = await verifyAll(
    questionIds.map((questionId) => ({
      hash: stored.get(questionId),
      secret: normalizeAnswer(answers.find((answer) => answer.questionId === questionId)?.answer ?? ''),
    })),
    priority,
  );
  return answers.length === questionIds.length && results.every(Boolean);
}

/** An admin clears a cardholder's lockout (audited). */
export async function clearLockout(
  ctx: ServiceContext,
  tx: Transaction,
  actor: OperatorActor,
  userId: string,
  ticket: string | undefined,
): Promise<void> {
  const state = await getLockoutState(tx, userId);
  if (!state) throw new AppError('user.not_found', 'no user has that id');
  await resetLockout(tx, userId);
  await resetOnlineLockout(tx, userId);
  await appendAuditEvent(tx, {
    ...auditActor(actor),
    action: 'identity.lockout_cleared',
    userId,
    ticket: ticket ?? null,
    details: { previousFailedAttempts: state.failedAttempts, wasLocked: state.lockedAt !== null },
  });
}

/**
 * What admins see of a cardholder's security questions: counts only. Locked as the checks see it: a
 * recorded lock, or a count at the limit of one of the cardholder's card profiles.
 */
export async function securitySummary(
  db: Database,
  userId: string,
  profiles: readonly ProfileRow[],
): Promise<{
  answersSet: number;
  failedAttempts: number;
  maxFailedAttempts: number;
  locked: boolean;
  identityCheckLocked: boolean;
  onlineUnlockLockedUntil: string | null;
}> {
  const [answersSet, state, online] = await Promise.all([
    countAnswers(db, userId),
    getLockoutState(db, userId),
    getOnlineLockout(db, userId),
  ]);
  const maxFailedAttempts =
    profiles.length > 0
      ? Math.min(...profiles.map((profile) => profile.securityMaxFailedAttempts))
      : PROFILE_DEFAULTS.securityQuestions.maxFailedAttempts;
  const identityFailed = state?.failedAttempts ?? 0;
  const identityCheckLocked = state?.lockedAt != null || identityFailed >= maxFailedAttempts;
  const onlineLockedUntil =
    online?.lockedUntil != null && online.lockedUntil > online.now ? online.lockedUntil : null;
  const onlineFailed =
    online === undefined || (online.lockedUntil !== null && onlineLockedUntil === null)
      ? 0
      : online.failedAttempts;
  return {
    answersSet,
    failedAttempts: Math.max(identityFailed, onlineFailed),
    maxFailedAttempts,
    locked: identityCheckLocked || onlineLockedUntil !== null,
    identityCheckLocked,
    onlineUnlockLockedUntil: onlineLockedUntil === null ? null : onlineLockedUntil.toISOString(),
  };
}
