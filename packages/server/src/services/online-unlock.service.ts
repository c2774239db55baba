/**
 * Online unlock from the cardholder's workstation: no bearer token, the security answers are the proof.
 * Guarded by the per-cardholder answer lockout, rate limits per client address and per card (in the
 * database, so they hold across instances), short sessions, one response per session, and never the
 * card's last admin-key attempt (that one is the help desk's).
 */
import { fromHex, toHex } from '@cardwarden/protocol/hex';
import { groupHex, parseChallenge } from '@cardwarden/protocol/challenge';
import {
  checkGidsCardCryptogram,
  GIDS_MUTUAL_RANDOM_BYTES,
  gidsHostCryptogram,
  secureRandomBytes,
  sha256Hex,
} from '@cardwarden/protocol/crypto';
import type {
  OnlineUnlockConfirmation,
  OnlineUnlockMutualAuthResponse,
  OnlineUnlockResponse,
  OnlineUnlockSession,
} from '@cardwarden/contract';
import { answersNeeded, isAttemptRefusal } from '@cardwarden/contract/policy';
import { AppError } from '../errors.js';
import { consumeStepUp } from '../sso/sso.service.js';
import { confirmUnblock, lockAdminKey, resetAttempts } from '../repositories/admin-key.repository.js';
import { appendAuditEvent } from '../repositories/audit.repository.js';
import type { CardRecord } from '../repositories/card.repository.js';
import {
  findOnlineUnlock,
  insertOnlineUnlock,
  lockOnlineUnlock,
  recordCardChallenge,
  recordConfirmed,
  setOnlineUnlockState,
  type OnlineUnlockRecord,
} from '../repositories/online-unlock.repository.js';
import {
  blockKeyIfExhausted,
  challengeDigest,
  notifyResponseIssued,
  responseTo,
  spendAttempt,
  withAdminKey,
  type AdminKeyComputation,
} from './admin-key-response.js';
import { unavailableReason } from './availability.js';
import { requireCard } from './card.service.js';
import type { ServiceContext } from './context.js';
import type { Database } from '../db/database.js';
import { questionTexts } from './identity.service.js';
import { checkOnlineAnswers, onlineQuestionsFor, type LaneStep } from './online-lockout.service.js';
import { addressKey } from './address-key.js';
import { checkRateLimit, judgeHit, rememberedRefusal } from './rate-limit-check.js';
import { auditRefusedStart, checkOnlineStartBatched } from './online-start-batches.js';
import { challengeDigits, iso, pinRulesOf } from './views.js';
import { afterCommit, type Transaction, type UnitOfWork } from '../db/unit-of-work.js';

export const ONLINE_SESSION_MINUTES = 10;
const HELP_DESK = 'use offline unblock with the help desk';

function rateLimited(retryAfter: number): AppError {
  return new AppError(
    'online_unlock.rate_limited',
    `too many online unlock attempts; wait ${Math.ceil(retryAfter / 60)} minutes, or ${HELP_DESK}`,
    { retryAfter },
  );
}

async function limitRate(ctx: ServiceContext, key: string, limit: number): Promise<void> {
  const { windowMinutes } = ctx.onlineUnlockLimits;
  const checked = await checkRateLimit(ctx.db, key, windowMinutes * 60, limit);
  if (!checked.allowed) throw rateLimited(checked.retryAfter);
}

const addressRateKey = (address: string) => `online-unlock:address:${addressKey(address)}`;
const cardRateKey = (cardId: string) => `online-unlock:card:${cardId}`;

/** Counts one anonymous request from `address` (online unlock and its PIN-policy look-up share the budget). */
export const limitAddress = (ctx: ServiceContext, address: string) =>
  limitRate(ctx, addressRateKey(address), ctx.onlineUnlockLimits.perAddress);
/** Counts answer submissions per card (starting a session costs nothing on the card's side). */
const limitCard = (ctx: ServiceContext, cardId: string) =>
  limitRate(ctx, cardRateKey(cardId), ctx.onlineUnlockLimits.perCard);

/** Sessions' cards known to this instance (bounded), for refusals without a database read. */
const MAX_SESSION_CARDS = 50_000;
const sessionCards = new WeakMap<Database, Map<string, string>>();

function noteSessionCard(db: Database, sessionId: string, cardId: string): void {
  let known = sessionCards.get(db);
  if (!known) {
    known = new Map();
    sessionCards.set(db, known);
  }
  if (known.size >= MAX_SESSION_CARDS && !known.has(sessionId)) {
    // The oldest first (a Map keeps insertion order).
    const oldest = known.keys().next();
    if (!oldest.done) known.delete(oldest.value);
  }
  known.set(sessionId, cardId);
}

/**
 * The refusal, known with no database work, of a request that the limits already refused in this
 * window: its address is over its budget, or (for a session) its card is over its answer budget; null
 * when there is none. The limits themselves are counted in the database (exact across instances); this
 * only repeats a refusal the database gave, until a moment before its window ends. Meant to be asked
 * before the request waits for anything, so that a flood of requests that would be refused anyway costs
 * no queueing and no work.
 * @returns AppError 429 `online_unlock.rate_limited` with Retry-After, or null.
 */
export function knownRefusal(ctx: ServiceContext, address: string, sessionId?: string): AppError | null {
  const byAddress = rememberedRefusal(ctx.db, addressRateKey(address));
  if (byAddress) return rateLimited(byAddress.retryAfter);
  if (sessionId === undefined) return null;
  const cardId = sessionCards.get(ctx.db)?.get(sessionId);
  const byCard = cardId === undefined ? null : rememberedRefusal(ctx.db, cardRateKey(cardId));
  return byCard ? rateLimited(byCard.retryAfter) : null;
}

/**
 * One refusal for every reason that depends on the card, so that the anonymous endpoint does not tell
 * which serials exist or what state their cards are in.
 */
const UNAVAILABLE =
  'online unlock is not available for this card. Possible reasons: the card is not registered; online unlock ' +
  'is not enabled in its profile; the card or its holder is suspended; the holder has not set their security ' +
  "answers; or only the help desk may use the card's last admin-key attempt; " +
  HELP_DESK;

function unavailable(): AppError {
  return new AppError('online_unlock.unavailable', UNAVAILABLE);
}

/** What stops online unlock for `card` now, for the audit only (the caller gets `UNAVAILABLE`). */
function cardProblem(card: CardRecord): string | null {
  // The installation's offline-unblock switch does not concern online unlock (the policy ignores it).
  // Its last attempt is refused here too (online_unlock.last_attempt): only the help desk may spend it.
  return unavailableReason(card, 'onlineUnlock', { offlineUnblock: true })?.reason ?? null;
}

/** Refuses a card that online unlock may not serve now (checked again when the answers arrive). */
function refuseUnavailable(card: CardRecord): void {
  if (cardProblem(card) !== null) throw unavailable();
}

/**
 * Why online unlock is not available for `card` (undefined: no card has that serial) whose holder has
 * `answers` security answers, for the audit; null when it is.
 */
function whyUnavailable(card: CardRecord | undefined, answers: number): string | null {
  // The 24 h budget is not a reason here: it is refused (403 offline_unblock.approval_required) when the
  // response is asked for, as for the help desk and self-service.
  if (!card) return 'card.not_found';
  const problem = cardProblem(card);
  if (problem) return problem;
  if (answers < answersNeeded(card.profile.securityQuestionsRequired)) return 'identity.answers_not_set';
  return null;
}

/** Who the audit events of a session name: the card's holder, answering for it. */
function cardholderAudit(card: CardRecord, sessionId: string) {
  return {
    actor: card.user.username,
    actorType: 'cardholder' as const,
    cardId: card.id,
    userId: card.user.id,
    sessionId,
  };
}

/** The session, locked until the transaction ends, whatever its state. */
async function lockSession(tx: Database, id: string): Promise<OnlineUnlockRecord> {
  const session = await lockOnlineUnlock(tx, id);
  if (!session) throw new AppError('online_unlock.not_found', 'no online unlock session has that id');
  return session;
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

/** Runs the work of a start that may go on (its card offers online unlock) in the anonymous lane. */
export type InLane = <T>(work: () => Promise<T>) => Promise<T>;

export async function startOnlineUnlock(
  ctx: ServiceContext,
  uow: UnitOfWork,
  cardSerial: string,
  address: string,
  ssoStepUp?: string,
  inLane: InLane = (work) => work(),
): Promise<OnlineUnlockSession> {
  // The address's budget, the card and its holder's answer count in one statement shared with the
  // starts arriving meanwhile, whatever the serial: an unknown serial is refused in the time a known but
  // unavailable card is (the same two batches), and a flood of starts costs a statement per batch.
  const key = addressRateKey(address);
  const remembered = rememberedRefusal(ctx.db, key);
  if (remembered) throw rateLimited(remembered.retryAfter);
  const checked = await checkOnlineStartBatched(ctx, { addressKey: key, serial: cardSerial });
  const judged = judgeHit(ctx.db, key, checked.hit, ctx.onlineUnlockLimits.perAddress);
  if (!judged.allowed) throw rateLimited(judged.retryAfter);
  const { card } = checked;
  const problem = whyUnavailable(card, checked.answerCount);
  if (problem !== null || !card) {
    await auditRefusedStart(ctx, {
      actor: 'workstation',
      actorType: 'anonymous',
      action: 'online_unlock.refused',
      cardId: card?.id ?? null,
      userId: card?.user.id ?? null,
      // A digest, not the serial: whatever was typed in, it may not be a serial at all.
      details: { serialDigest: sha256Hex(cardSerial.toUpperCase()).slice(0, 16), reason: problem, address },
    });
    throw unavailable();
  }
  // The card offers online unlock: the session's own work waits in the anonymous lane.
  return inLane(() => openSession(ctx, uow, card, address, ssoStepUp));
}

/** Opens a session for `card`, which offers online unlock (after its holder's SSO step-up, if asked). */
async function openSession(
  ctx: ServiceContext,
  uow: UnitOfWork,
  card: CardRecord,
  address: string,
  ssoStepUp: string | undefined,
): Promise<OnlineUnlockSession> {
  if (card.profile.requireSsoStepUp) {
    // Only after the card is known to offer online unlock: a fresh SSO sign-in of its holder.
    try {
      await consumeStepUp(ctx, ssoStepUp, card.user.id);
    } catch (error) {
      await appendAuditEvent(ctx.db, {
        actor: 'workstation',
        actorType: 'anonymous',
        action: 'online_unlock.refused',
        cardId: card.id,
        userId: card.user.id,
        details: { reason: 'sso.step_up_required', address },
      });
      throw error;
    }
  }
  const { questionIds, attemptsRemaining: answerAttemptsRemaining } = await uow((tx) =>
    onlineQuestionsFor(tx, card, HELP_DESK),
  );
  const session = await uow(async (tx) => {
    const created = await insertOnlineUnlock(tx, {
      cardId: card.id,
      userId: card.user.id,
      questionIds,
      clientAddress: address,
      hostChallenge: canProveUnblock(card) ? toHex(secureRandomBytes(GIDS_MUTUAL_RANDOM_BYTES)) : null,
      expiresAt: new Date(Date.now() + ONLINE_SESSION_MINUTES * 60_000),
    });
    await appendAuditEvent(tx, {
      ...cardholderAudit(card, created.id),
      action: 'online_unlock.started',
      details: { serial: card.serial, address },
    });
    return created;
  });
  noteSessionCard(ctx.db, session.id, card.id);
  return {
    id: session.id,
    questions: await questionTexts(ctx.db, questionIds),
    pinRules: pinRulesOf(card.profile),
    challengeLength: challengeDigits(card),
    answerAttemptsRemaining,
    expiresAt: iso(session.expiresAt),
    hostChallenge: session.hostChallenge,
  };
}

/**
 * GIDS cards with a 3DES admin key prove an unblock with mutual authentication as gids-tool and the
 * Windows minidriver run it (reference §2.4: 3DES-CBC, 40-byte cryptograms); other cards only report it.
 */
function canProveUnblock(card: CardRecord): boolean {
  return card.type === 'gids' && card.adminKey.algorithm === '3des';
}

type AnswersInput = readonly { questionId: string; answer: string }[];

/**
 * One admin-key attempt for an online session: checks the address and card limits, the session, the
 * answers, then counts the attempt and computes what `prepare` asks for, in one transaction.
 */
async function spendOnline<T extends { readonly digest: string }>(
  ctx: ServiceContext,
  uow: UnitOfWork,
  id: string,
  answers: AnswersInput,
  address: string,
  prepare: (card: CardRecord, session: OnlineUnlockRecord) => { compute: AdminKeyComputation } & T,
  record: (tx: Transaction, prepared: T) => Promise<void>,
  lane: LaneStep | undefined,
): Promise<{ response: string; attemptsRemaining: number }> {
  // Cheapest refusals first (one statement each): the address's budget, then the session as it stands.
  // The spend below re-reads the session under lock.
  await limitAddress(ctx, address);
  const found = await findOnlineUnlock(ctx.db, id);
  if (found) noteSessionCard(ctx.db, found.id, found.cardId);
  const session = requireOpen(found);
  const card = await requireCard(ctx.db, session.cardId);
  const audit = cardholderAudit(card, id);
  let prepared: ReturnType<typeof prepare>;
  try {
    // A malformed challenge is refused as input before anything is counted, and audited.
    prepared = prepare(card, session);
  } catch (error) {
    if (error instanceof AppError && error.code.startsWith('challenge.')) {
      await appendAuditEvent(ctx.db, {
        ...audit,
        action: 'online_unlock.challenge_refused',
        details: { reason: error.code, address },
      });
    }
    throw error;
  }
  await limitCard(ctx, card.id);
  refuseUnavailable(card);

  const check = await checkOnlineAnswers(ctx, uow, card, session.questionIds, answers, HELP_DESK, lane);
  if (check.result !== 'verified') {
    const remaining = check.result === 'wrong' ? check.attemptsRemaining : 0;
    await appendAuditEvent(ctx.db, {
      ...audit,
      action: 'online_unlock.answers_wrong',
      details: { attemptsRemaining: remaining, address },
    });
    if (check.result === 'locked') throw check.error;
    throw new AppError(
      'online_unlock.wrong_answers',
      remaining > 0
        ? `the answers do not match; ${remaining} tries left before online unlock locks`
        : `the answers do not match, and online unlock is now locked for a while; ${HELP_DESK}`,
      { attemptsRemaining: remaining },
    );
  }

  return uow(async (tx) => {
    requireOpen(await lockOnlineUnlock(tx, id));
    const current = await requireCard(tx, card.id);
    refuseUnavailable(current);
    const result = await spendAttempt(ctx, tx, current, prepared.compute, {
      useCase: 'onlineUnlock',
      approved: false,
    });
    await record(tx, prepared);
    await setOnlineUnlockState(tx, id, 'responded');
    await appendAuditEvent(tx, {
      ...audit,
      action: 'online_unlock.response_issued',
      details: {
        serial: card.serial,
        challengeDigest: prepared.digest,
        attemptsRemaining: result.attemptsRemaining,
        address,
      },
    });
    await notifyResponseIssued(ctx, tx, card, 'online unlock');
    afterCommit(tx, () => {
      ctx.notifier.kick();
    });
    return result;
  }).catch(async (error: unknown) => {
    // Refusals about the card's budget are audited (outside the failed transaction).
    if (error instanceof AppError && isAttemptRefusal(error.code)) {
      await appendAuditEvent(ctx.db, {
        ...audit,
        action: 'online_unlock.response_refused',
        details: { reason: error.code, address },
      });
    }
    throw error;
  });
}

/** Answers and the card's challenge in, E_K(challenge) out: an attempt whose outcome is only reported. */
export async function respondOnline(
  ctx: ServiceContext,
  uow: UnitOfWork,
  id: string,
  input: { answers: AnswersInput; challenge: string },
  address: string,
  lane?: LaneStep,
): Promise<OnlineUnlockResponse> {
  const spent = await spendOnline(
    ctx,
    uow,
    id,
    input.answers,
    address,
    (card) => {
      const challenge = parseChallenge(input.challenge, [challengeDigits(card)]);
      if (!challenge.ok) throw new AppError(challenge.problem.code, challenge.problem.message);
      return { compute: responseTo(challenge.bytes), digest: challengeDigest(challenge.hex) };
    },
    async () => {},
    lane,
  );
  return {
    response: spent.response,
    responseGroups: groupHex(spent.response),
    adminKeyAttemptsRemaining: spent.attemptsRemaining,
  };
}

/**
 * GIDS mutual authentication, host side (reference §2.4): the card's R2 in, E_K(R2 ‖ R1 ‖ Z1) out, for
 * the session's R1. Counts as an admin-key attempt; the card's own cryptogram then proves the unblock.
 */
export async function mutualAuthOnline(
  ctx: ServiceContext,
  uow: UnitOfWork,
  id: string,
  input: { answers: AnswersInput; cardChallenge: string },
  address: string,
  lane?: LaneStep,
): Promise<OnlineUnlockMutualAuthResponse> {
  const spent = await spendOnline(
    ctx,
    uow,
    id,
    input.answers,
    address,
    (_card, session) => {
      if (session.hostChallenge === null) {
        throw new AppError(
          'online_unlock.no_proof',
          'this card cannot prove an unblock with GIDS mutual authentication; send the challenge to /response instead',
        );
      }
      const r1 = fromHex(session.hostChallenge);
      const r2 = fromHex(input.cardChallenge);
      return {
        compute: (algorithm, key) => gidsHostCryptogram(algorithm, key, { r1, r2 }),
        digest: challengeDigest(toHex(r2)),
        cardChallenge: toHex(r2),
      };
    },
    (tx, prepared) => recordCardChallenge(tx, id, prepared.cardChallenge),
    lane,
  );
  return { cryptogram: spent.response, adminKeyAttemptsRemaining: spent.attemptsRemaining };
}

/**
 * The card's cryptogram E_K(R1 ‖ R2 ‖ Z2) proves it authenticated the server with its admin key, which
 * resets its admin-key retry counter: the server resets its count too and records a confirmed unblock.
 * A cryptogram that does not open to R1 ‖ R2 closes the session as failed (422).
 */
export async function confirmOnlineUnblock(
  ctx: ServiceContext,
  uow: UnitOfWork,
  id: string,
  cardCryptogram: string,
): Promise<OnlineUnlockConfirmation> {
  const outcome = await uow(async (tx) => {
    const session = await lockSession(tx, id);
    if (session.state !== 'responded' || session.hostChallenge === null || session.cardChallenge === null) {
      throw new AppError(
        'online_unlock.no_proof',
        session.state === 'responded' || session.state === 'open'
          ? 'no mutual authentication was started in this session: call /mutual-auth first'
          : `this session is ${session.state} already; start again`,
      );
    }
    const card = await requireCard(tx, session.cardId);
    const adminKey = await lockAdminKey(tx, card.id);
    if (!adminKey) throw new AppError('card.not_found', 'the card has no admin key');
    const randoms = { r1: fromHex(session.hostChallenge), r2: fromHex(session.cardChallenge) };
    const proven = await withAdminKey(ctx, tx, card, adminKey, (key) =>
      checkGidsCardCryptogram(adminKey.algorithm, key, randoms, fromHex(cardCryptogram)),
    );
    const audit = cardholderAudit(card, id);
    if (!proven) {
      await setOnlineUnlockState(tx, id, 'failed');
      await appendAuditEvent(tx, { ...audit, action: 'online_unlock.proof_rejected', details: {} });
      return { proven: false } as const;
    }
    await confirmUnblock(tx, card.id);
    await recordConfirmed(tx, id);
    await appendAuditEvent(tx, {
      ...audit,
      action: 'online_unlock.unblock_confirmed',
      details: { serial: card.serial },
    });
    return { proven: true, limit: card.profile.adminKeyAttemptLimit } as const;
  });
  if (!outcome.proven) {
    throw new AppError(
      'online_unlock.proof_invalid',
      "the card's cryptogram does not prove the unblock (it does not hold the registered admin key); call the help desk",
    );
  }
  return { confirmed: true, adminKeyAttemptsRemaining: outcome.limit };
}

/** The tool reports whether the card took the response; "unblocked" resets the admin-key count. */
export async function recordOnlineOutcome(
  ctx: ServiceContext,
  tx: Transaction,
  id: string,
  result: 'unblocked' | 'failed',
): Promise<void> {
  const session = await lockSession(tx, id);
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
}
