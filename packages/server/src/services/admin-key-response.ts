/**
 * Spending one admin-key attempt: the one place that counts an attempt and computes E_K(challenge).
 * Callers hold a transaction; the row lock on the admin key serialises every response for a card across
 * all server instances.
 */
import { toHex } from '@cardwarden/protocol/hex';
import { type AdminKeyAlgorithm } from '@cardwarden/protocol/admin-key';
import { computeAdminResponse, sha256Hex } from '@cardwarden/protocol/crypto';
import {
  approvalNeed as decideApprovalNeed,
  dailyBudgetApplies,
  decideAttempt,
  decideDailyBudget,
  failureBlocksKey,
  NO_ATTEMPT_LEFT,
  type ApprovalNeed,
  type AttemptFacts,
} from '@cardwarden/contract/policy';
import { AppError, refusalError } from '../errors.js';
import type { Database } from '../db/database.js';
import {
  countAttempt,
  countRecentResponses,
  lockAdminKey,
  type SealedAdminKey,
  markAdminKeyBlocked,
  recordResponse,
} from '../repositories/admin-key.repository.js';
import { findCardById, type CardRecord } from '../repositories/card.repository.js';
import { withCardAdminKey, type CardKeyRef } from '../keys/card-admin-key.js';
import { messages, type UnblockChannel } from '../notifications/messages.en.js';
import { attemptsRemaining } from './availability.js';
import type { ServiceContext } from './context.js';

export interface SpentAttempt {
  readonly response: string;
  readonly attemptsRemaining: number;
  readonly wasLastAttempt: boolean;
  /** The response went beyond the 24 h budget on a supervisor's approval. */
  readonly beyondDailyBudget: boolean;
}

/**
 * Why a response for `card` needs a supervisor's approval now (the policy's approvalNeed), or null. The
 * caller may have read the count of recent responses along with the card already.
 */
export async function approvalNeed(
  db: Database,
  card: CardRecord,
  recentResponses?: number,
): Promise<ApprovalNeed> {
  return decideApprovalNeed({
    limit: card.profile.adminKeyAttemptLimit,
    attemptsUsed: card.adminKey.attemptsUsed,
    recentResponses: recentResponses ?? (await countRecentResponses(db, card.id)),
  });
}

/** What the admin key computes for one attempt: E_K(challenge), or a GIDS mutual-authentication cryptogram. */
export type AdminKeyComputation = (algorithm: AdminKeyAlgorithm, key: Uint8Array) => Uint8Array;

/** The response to a card's challenge (external authentication). */
export const responseTo =
  (challenge: Uint8Array): AdminKeyComputation =>
  (algorithm, key) =>
    computeAdminResponse(algorithm, key, challenge);

/**
 * Counts one admin-key attempt for `card` and computes `compute` with its key (a challenge's bytes mean
 * E_K(challenge)). Call inside a transaction: the admin key's row lock serialises every attempt.
 */
export async function spendAttempt(
  ctx: ServiceContext,
  tx: Database,
  card: CardRecord,
  compute: Uint8Array | AdminKeyComputation,
  asking: Pick<AttemptFacts, 'useCase' | 'approved'>,
): Promise<SpentAttempt> {
  const adminKey = await lockAdminKey(tx, card.id);
  if (!adminKey) throw new AppError('card.not_found', 'the card has no admin key');
  const limit = card.profile.adminKeyAttemptLimit;
  const facts: AttemptFacts = { ...asking, limit, attemptsUsed: adminKey.attemptsUsed };
  const attempt = decideAttempt(facts);
  if (!attempt.allowed) throw refusalError(attempt.refusal);
  const recent = dailyBudgetApplies(attempt) ? await countRecentResponses(tx, card.id) : 0;
  const budget = decideDailyBudget(facts, attempt, recent);
  if (!budget.allowed) throw refusalError(budget.refusal);
  const used = await countAttempt(tx, card.id, limit);
  if (used === undefined) throw refusalError(NO_ATTEMPT_LEFT);
  const operation = compute instanceof Uint8Array ? responseTo(compute) : compute;
  const response = await withCardAdminKey(ctx, tx, cardKeyRef(card, adminKey), (key) =>
    toHex(operation(card.adminKey.algorithm, key)),
  );
  await recordResponse(tx, card.id, budget.recordAsApproved);
  return {
    response,
    attemptsRemaining: limit - used,
    wasLastAttempt: attempt.wasLastAttempt,
    beyondDailyBudget: budget.beyondDailyBudget,
  };
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
  if (!card || !failureBlocksKey(attemptsRemaining(card))) return false;
  await markAdminKeyBlocked(tx, cardId);
  return true;
}
