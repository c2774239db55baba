/**
 * Spending one admin-key attempt: the one place that counts an attempt and computes E_K(challenge).
 * Callers hold a transaction; the row lock on the admin key serialises every response for a card across
 * all server instances.
 */
import { toHex } from '@cardwarden/protocol';
import { computeAdminResponse, sha256Hex } from '@cardwarden/protocol/crypto';
import type { ErrorCode } from '@cardwarden/contract';
import { AppError } from '../errors.js';
import type { Database } from '../db/database.js';
import { countAttempt, lockAdminKey, markAdminKeyBlocked } from '../repositories/admin-key.repository.js';
import { findCardById, type CardRecord } from '../repositories/card.repository.js';
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
}

export async function spendAttempt(
  ctx: ServiceContext,
  tx: Database,
  card: CardRecord,
  challenge: Uint8Array,
  lastAttempt: LastAttemptPolicy,
): Promise<SpentAttempt> {
  const adminKey = await lockAdminKey(tx, card.id);
  if (!adminKey) throw new AppError('card.not_found', 'the card has no admin key');
  const limit = card.profile.adminKeyAttemptLimit;
  const remainingBefore = limit - adminKey.attemptsUsed;
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
  const used = await countAttempt(tx, card.id, limit);
  if (used === undefined) {
    throw new AppError('offline_unblock.attempts_exhausted', 'no admin-key attempt is left for this card');
  }
  const key = ctx.keys.openAdminKey(card.id, adminKey.sealed);
  try {
    const response = toHex(computeAdminResponse(card.adminKey.algorithm, key, challenge));
    return { response, attemptsRemaining: limit - used, wasLastAttempt };
  } finally {
    key.fill(0);
  }
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
