/**
 * Spending one admin-key attempt: the one place that counts an attempt and computes E_K(challenge).
 * Callers hold a transaction; the row lock on the admin key serialises every response for a card across
 * all server instances.
 */
import { toHex } from '@cardwarden/protocol/hex';
import { type AdminKeyAlgorithm } from '@cardwarden/protocol/admin-key';
import { computeAdminResponse, sha256Hex } from '@cardwarden/protocol/crypto';
import type { ErrorCode } from '@cardwarden/contract';
import { AppError } from '../errors.js';
import type { Database } from '../db/database.js';
import {
  countAttempt,
  countRecentResponses,
  lockAdminKey,
  type SealedAdminKey,
  markAdminKeyBlocked,
  recordResponse,
  RESPONSE_BUDGET_HOURS,
} from '../repositories/admin-key.repository.js';
import { findCardById, type CardRecord } from '../repositories/card.repository.js';
import { withCardAdminKey, type CardKeyRef } from '../keys/card-admin-key.js';
import { messages, type UnblockChannel } from '../notifications/messages.en.js';
import { attemptsRemaining } from './availability.js';
import type { ServiceContext } from './context.js';

/** What to do when the next response would be the card's last admin-key attempt. */
export type LastAttemptPolicy =
  | { readonly kind: 'needs-approval'; readonly approved: boolean }
  | { readonly kind: 'refuse'; readonly code: ErrorCode; readonly message: string };

export interface SpentAttempt {
  readonly response: string;
  readonly attemptsRemaining: number;
  readonly wasLastAttempt: boolean;
  /** The response went beyond the 24 h budget on a supervisor's approval. */
  readonly beyondDailyBudget: boolean;
}

/** Why a response needs a supervisor's approval now, or null when it does not. */
export async function approvalNeed(
  db: Database,
  card: CardRecord,
  attemptsUsed: number,
  recentResponses?: number,
): Promise<'last-attempt' | 'daily-budget' | null> {
  const limit = card.profile.adminKeyAttemptLimit;
  if (limit - attemptsUsed === 1) return 'last-attempt';
  // The caller may have read the count along with the card already.
  if ((recentResponses ?? (await countRecentResponses(db, card.id))) >= limit) return 'daily-budget';
  return null;
}

/** The refusal when a card has had its attempt limit of responses within 24 hours. */
export function dailyBudgetMessage(card: CardRecord, advice: string): string {
  const limit = card.profile.adminKeyAttemptLimit;
  return (
    `this card has had ${limit} response${limit === 1 ? '' : 's'} in the last ${RESPONSE_BUDGET_HOURS} hours, ` +
    `as many as its admin key allows without proof that the card was unblocked; ${advice}`
  );
}

/** What the admin key computes for one attempt: E_K(challenge), or a GIDS mutual-authentication cryptogram. */
export type AdminKeyComputation = (algorithm: AdminKeyAlgorithm, key: Uint8Array) => Uint8Array;

/** The response to a card's challenge (external authentication). */
export const responseTo =
  (challenge: Uint8Array): AdminKeyComputation =>
  (algorithm, key) =>
    computeAdminResponse(algorithm, key, challenge);

/**
 * The refusals before an attempt is counted, from the count read under the admin key's row lock: none
 * left, or the last one, which the policy refuses or a supervisor has not approved.
 */
export function checkAttemptAllowed(
  limit: number,
  attemptsUsed: number,
  lastAttempt: LastAttemptPolicy,
): { remainingBefore: number; wasLastAttempt: boolean } {
  const remainingBefore = limit - attemptsUsed;
  if (remainingBefore <= 0) {
    throw new AppError('offline_unblock.attempts_exhausted', 'no admin-key attempt is left for this card');
  }
  const wasLastAttempt = remainingBefore === 1;
  if (wasLastAttempt && lastAttempt.kind === 'refuse')
    throw new AppError(lastAttempt.code, lastAttempt.message);
  if (wasLastAttempt && lastAttempt.kind === 'needs-approval' && !lastAttempt.approved) {
    throw new AppError(
      'offline_unblock.approval_required',
      'the next response is the last admin-key attempt: a supervisor or admin must approve this session first',
      { attemptsRemaining: 1 },
    );
  }
  return { remainingBefore, wasLastAttempt };
}

/** Whether a supervisor's approval lets this response go beyond the 24 h budget. */
export function mayExceedBudget(lastAttempt: LastAttemptPolicy): boolean {
  return lastAttempt.kind === 'needs-approval' && lastAttempt.approved;
}

/** The refusal of a response beyond the 24 h budget without approval. */
export function dailyBudgetRefusal(
  card: CardRecord,
  lastAttempt: LastAttemptPolicy,
  remainingBefore: number,
): AppError {
  return new AppError(
    'offline_unblock.approval_required',
    dailyBudgetMessage(
      card,
      lastAttempt.kind === 'needs-approval'
        ? 'a supervisor or admin must approve this session first'
        : 'call the help desk: a supervisor must approve another',
    ),
    { attemptsRemaining: remainingBefore },
  );
}

/**
 * Counts one admin-key attempt for `card` and computes `compute` with its key (a challenge's bytes mean
 * E_K(challenge)). Call inside a transaction: the admin key's row lock serialises every attempt.
 */
export async function spendAttempt(
  ctx: ServiceContext,
  tx: Database,
  card: CardRecord,
  compute: Uint8Array | AdminKeyComputation,
  lastAttempt: LastAttemptPolicy,
): Promise<SpentAttempt> {
  const adminKey = await lockAdminKey(tx, card.id);
  if (!adminKey) throw new AppError('card.not_found', 'the card has no admin key');
  const limit = card.profile.adminKeyAttemptLimit;
  const { remainingBefore, wasLastAttempt } = checkAttemptAllowed(limit, adminKey.attemptsUsed, lastAttempt);
  const overBudget =
    !wasLastAttempt && (await countRecentResponses(tx, card.id)) >= card.profile.adminKeyAttemptLimit;
  if (overBudget && !mayExceedBudget(lastAttempt)) {
    throw dailyBudgetRefusal(card, lastAttempt, remainingBefore);
  }
  const used = await countAttempt(tx, card.id, limit);
  if (used === undefined) {
    throw new AppError('offline_unblock.attempts_exhausted', 'no admin-key attempt is left for this card');
  }
  const operation = compute instanceof Uint8Array ? responseTo(compute) : compute;
  const response = await withCardAdminKey(ctx, tx, cardKeyRef(card, adminKey), (key) =>
    toHex(operation(card.adminKey.algorithm, key)),
  );
  await recordResponse(tx, card.id, overBudget || (wasLastAttempt && lastAttempt.kind === 'needs-approval'));
  return { response, attemptsRemaining: limit - used, wasLastAttempt, beyondDailyBudget: overBudget };
}

/** The key columns the seam needs, from a card and its locked key row. */
export function cardKeyRef(
  card: { readonly id: string; readonly serial: string },
  adminKey: SealedAdminKey,
): CardKeyRef {
  return {
    cardId: card.id,
    serial: card.serial,
    algorithm: adminKey.algorithm,
    sealed: adminKey.sealed,
    masterId: adminKey.masterId,
    derivation: adminKey.derivation,
  };
}

/** Runs `use` with the card's admin key (opened or derived), wiped afterwards. */
export function withAdminKey<T>(
  ctx: ServiceContext,
  db: Database,
  card: { readonly id: string; readonly serial: string },
  adminKey: SealedAdminKey,
  use: (key: Uint8Array) => T,
): Promise<T> {
  return withCardAdminKey(ctx, db, cardKeyRef(card, adminKey), use);
}

/** A digest lets an investigator match a challenge without the audit holding what the card saw. */
export function challengeDigest(challengeHex: string): string {
  return sha256Hex(challengeHex).slice(0, 16);
}

/** Tells the cardholder (and the security mailbox) that a response was issued for their card. */
export async function notifyResponseIssued(
  ctx: ServiceContext,
  tx: Database,
  card: CardRecord,
  channel: UnblockChannel,
  operator?: string,
): Promise<void> {
  await ctx.notifier.queue(
    tx,
    card.user,
    messages.responseIssued({
      displayName: card.user.displayName,
      serial: card.serial,
      at: new Date(),
      channel,
      ...(operator === undefined ? {} : { operator }),
    }),
  );
}

/**
 * A failure reported when no attempt is left means the card refused its last admin-key attempt: its
 * key is blocked. Recorded, so that nobody resets the count for it. Returns whether it is blocked.
 */
export async function blockKeyIfExhausted(tx: Database, cardId: string): Promise<boolean> {
  const card = await findCardById(tx, cardId);
  if (!card || attemptsRemaining(card) > 0) return false;
  await markAdminKeyBlocked(tx, cardId);
  return true;
}
