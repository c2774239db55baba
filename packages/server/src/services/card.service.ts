import { toHex } from '@cardwarden/protocol';
import { keyCheckValue } from '@cardwarden/protocol/crypto';
import type {
  CardDetail,
  RegisterCardBody,
  RegisterCardResponse,
  ReplaceAdminKeyBody,
  ResetAttemptsBody,
  UpdateCardBody,
} from '@cardwarden/contract';
import { AppError, isUniqueViolation } from '../errors.js';
import type { Database } from '../db/database.js';
import {
  insertAdminKey,
  replaceAdminKey as replaceAdminKeyRow,
  resetAttempts,
} from '../repositories/admin-key.repository.js';
import { appendAuditEvent } from '../repositories/audit.repository.js';
import {
  findCardById,
  findCardBySerial,
  insertCard,
  searchCards,
  updateCard as updateCardRow,
  type CardRecord,
} from '../repositories/card.repository.js';
import { findProfileByName } from '../repositories/profile.repository.js';
import { findUserByUsername } from '../repositories/user.repository.js';
import { adminKeyBytes, weakKeyWarning } from './admin-key-input.js';
import { auditActor, type OperatorActor, type ServiceContext } from './context.js';
import { unblockSwitches } from './settings.service.js';
import { toCardDetail } from './views.js';

export async function requireCard(db: Database, id: string): Promise<CardRecord> {
  const card = await findCardById(db, id);
  if (!card) throw new AppError('card.not_found', 'no card has that id');
  return card;
}

export async function registerCard(
  ctx: ServiceContext,
  actor: OperatorActor,
  input: RegisterCardBody,
): Promise<RegisterCardResponse> {
  const { algorithm } = input.adminKey;
  const { key, source } = adminKeyBytes(input.adminKey);
  try {
    const kcv = toHex(keyCheckValue(algorithm, key));
    const warning = weakKeyWarning(algorithm, key);
    const id = await ctx.db.transaction(async (tx) => {
      const user = await findUserByUsername(tx, input.username);
      if (!user) throw new AppError('user.not_found', `no user is named "${input.username}"`);
      const profile = await findProfileByName(tx, input.profile);
      if (!profile) throw new AppError('profile.not_found', `no card profile is named "${input.profile}"`);
      await ctx.keys.ensureCurrent(tx);
      const cardId = await insertCard(tx, {
        serial: input.serial,
        type: input.type,
        userId: user.id,
        profileId: profile.id,
      });
      await insertAdminKey(tx, { cardId, algorithm, sealed: ctx.keys.sealAdminKey(cardId, key), kcv });
      await appendAuditEvent(tx, {
        ...auditActor(actor),
        action: 'card.registered',
        cardId,
        userId: user.id,
        details: {
          serial: input.serial,
          type: input.type,
          profile: profile.name,
          algorithm,
          kcv,
          keySource: source,
        },
      });
      return cardId;
    });
    // A generated key is shown once, or nobody could ever put it on the card; it is not kept in clear.
    const generatedAdminKey = source === 'generated' ? toHex(key) : null;
    return { id, adminKeyKcv: kcv, adminKeyWarning: warning, generatedAdminKey };
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError('card.serial_taken', `a card with serial "${input.serial}" is registered already`);
    }
    throw error;
  } finally {
    key.fill(0);
  }
}

export async function getCard(ctx: ServiceContext, id: string): Promise<CardDetail> {
  return toCardDetail(await requireCard(ctx.db, id), await unblockSwitches(ctx.db));
}

export async function getCardBySerial(ctx: ServiceContext, serial: string): Promise<CardDetail> {
  const card = await findCardBySerial(ctx.db, serial);
  if (!card) throw new AppError('card.not_found', `no card has serial "${serial}"`);
  return toCardDetail(card, await unblockSwitches(ctx.db));
}

export async function findCards(
  ctx: ServiceContext,
  query: { serial?: string | undefined; userId?: string | undefined; limit: number; offset: number },
): Promise<{ items: CardDetail[]; total: number }> {
  const { items, total } = await searchCards(ctx.db, query);
  const switches = await unblockSwitches(ctx.db);
  return { items: items.map((card) => toCardDetail(card, switches)), total };
}

export async function updateCard(
  ctx: ServiceContext,
  actor: OperatorActor,
  id: string,
  input: UpdateCardBody,
): Promise<CardDetail> {
  return ctx.db.transaction(async (tx) => {
    const before = await requireCard(tx, id);
    let profileId: string | undefined;
    if (input.profile !== undefined) {
      const profile = await findProfileByName(tx, input.profile);
      if (!profile) throw new AppError('profile.not_found', `no card profile is named "${input.profile}"`);
      profileId = profile.id;
    }
    await updateCardRow(tx, id, { state: input.state, profileId });
    await appendAuditEvent(tx, {
      ...auditActor(actor),
      action: 'card.updated',
      cardId: id,
      userId: before.user.id,
      ticket: input.ticket ?? null,
      details: {
        serial: before.serial,
        ...(input.state && input.state !== before.state
          ? { state: input.state, previousState: before.state }
          : {}),
        ...(input.profile ? { profile: input.profile, previousProfile: before.profile.name } : {}),
      },
    });
    return toCardDetail(await requireCard(tx, id), await unblockSwitches(tx));
  });
}

/**
 * Sets the server's count of admin-key attempts back to zero, for when the card is known to have its
 * attempts (for example responses were issued but never entered). Audited with the admin's reason.
 * Refused when the card reported a failed last attempt: its key is blocked, and a count of zero would
 * only send more responses to a card that can no longer take them.
 */
export async function resetAdminKeyAttempts(
  ctx: ServiceContext,
  actor: OperatorActor,
  id: string,
  input: ResetAttemptsBody,
): Promise<CardDetail> {
  return ctx.db.transaction(async (tx) => {
    const card = await requireCard(tx, id);
    if (card.adminKey.blockedAt !== null) {
      throw new AppError(
        'admin_key.blocked',
        `this card's admin key is blocked: the card refused its last attempt on ${card.adminKey.blockedAt.toISOString()}, ` +
          'so resetting the count would not help. Ask for a replacement card (or one with a new admin key).',
      );
    }
    await resetAttempts(tx, id);
    await appendAuditEvent(tx, {
      ...auditActor(actor),
      action: 'card.admin_key_attempts_reset',
      cardId: id,
      userId: card.user.id,
      ticket: input.ticket ?? null,
      details: {
        serial: card.serial,
        previousAttemptsUsed: card.adminKey.attemptsUsed,
        reason: input.reason,
      },
    });
    return toCardDetail(await requireCard(tx, id), await unblockSwitches(tx));
  });
}

/**
 * Registers a new admin key for a card whose key was changed on the card (re-keyed). The count starts
 * at zero and a key known to be blocked is forgotten with the old key. A generated key is shown once.
 */
export async function replaceAdminKey(
  ctx: ServiceContext,
  actor: OperatorActor,
  id: string,
  input: ReplaceAdminKeyBody,
): Promise<RegisterCardResponse> {
  const { algorithm } = input.adminKey;
  const { key, source } = adminKeyBytes(input.adminKey);
  try {
    const kcv = toHex(keyCheckValue(algorithm, key));
    await ctx.db.transaction(async (tx) => {
      const card = await requireCard(tx, id);
      await ctx.keys.ensureCurrent(tx);
      await replaceAdminKeyRow(tx, id, { algorithm, sealed: ctx.keys.sealAdminKey(id, key), kcv });
      await appendAuditEvent(tx, {
        ...auditActor(actor),
        action: 'card.admin_key_replaced',
        cardId: id,
        userId: card.user.id,
        ticket: input.ticket ?? null,
        details: {
          serial: card.serial,
          algorithm,
          kcv,
          previousKcv: card.adminKey.kcv,
          keySource: source,
          reason: input.reason,
          wasBlocked: card.adminKey.blockedAt !== null,
        },
      });
    });
    return {
      id,
      adminKeyKcv: kcv,
      adminKeyWarning: weakKeyWarning(algorithm, key),
      generatedAdminKey: source === 'generated' ? toHex(key) : null,
    };
  } finally {
    key.fill(0);
  }
}
