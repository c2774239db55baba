import { toHex } from '@cardwarden/protocol/hex';
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
import { weakKeyWarning } from './admin-key-input.js';
import { newAdminKeyForCard, type NewAdminKey } from '../keys/card-admin-key.js';
import { auditActor, type OperatorActor, type ServiceContext } from './context.js';
import { unblockSwitches } from './settings.service.js';
import { toCardDetail } from './views.js';
import type { Transaction, UnitOfWork } from '../db/unit-of-work.js';

export async function requireCard(db: Database, id: string): Promise<CardRecord> {
  const card = await findCardById(db, id);
  if (!card) throw new AppError('card.not_found', 'no card has that id');
  return card;
}

/** What registering a card made: its id and its key (in clear, for the caller to show once or use, then wipe). */
export interface RegisteredCard {
  readonly id: string;
  readonly made: NewAdminKey;
}

/**
 * Registers a card to its user and profile with its admin key, audited, in the caller's transaction:
 * the one place cards are registered (the portal and issuance). `keySource` names where a typed key came
 * from in the audit trail (issuance: the factory key). The caller wipes `made.key`.
 */
export async function registerCardIn(
  ctx: ServiceContext,
  tx: Transaction,
  actor: OperatorActor,
  input: RegisterCardBody,
  keySource?: string,
): Promise<RegisteredCard> {
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
  const made = await newAdminKeyForCard(
    ctx,
    tx,
    { cardId, serial: input.serial, profile },
    input.adminKey,
    auditActor(actor),
  );
  try {
    await insertAdminKey(tx, { cardId, ...made.values });
    await appendAuditEvent(tx, {
      ...auditActor(actor),
      action: 'card.registered',
      cardId,
      userId: user.id,
      details: {
        serial: input.serial,
        type: input.type,
        profile: profile.name,
        algorithm: input.adminKey.algorithm,
        kcv: made.values.kcv,
        keySource: keySource ?? made.source,
        ...(made.masterVersion === null ? {} : { masterVersion: made.masterVersion }),
      },
    });
  } catch (error) {
    made.key.fill(0);
    throw error;
  }
  return { id: cardId, made };
}

export async function registerCard(
  ctx: ServiceContext,
  uow: UnitOfWork,
  actor: OperatorActor,
  input: RegisterCardBody,
): Promise<RegisterCardResponse> {
  let made: NewAdminKey | undefined;
  try {
    const id = await uow(async (tx) => {
      const registered = await registerCardIn(ctx, tx, actor, input);
      made = registered.made;
      return registered.id;
    });
    if (!made) throw new Error('no admin key was made');
    return registrationAnswer(id, made);
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError('card.serial_taken', `a card with serial "${input.serial}" is registered already`);
    }
    throw error;
  } finally {
    made?.key.fill(0);
  }
}

/**
 * A generated or derived key is shown once, or nobody could ever put it on the card (the
 * personalisation tool needs it); it is not kept in clear.
 */
function registrationAnswer(id: string, made: NewAdminKey): RegisterCardResponse {
  const { algorithm, kcv } = made.values;
  return {
    id,
    adminKeyKcv: kcv,
    adminKeyWarning: weakKeyWarning(algorithm, made.key),
    generatedAdminKey: made.source === 'imported' ? null : toHex(made.key),
  };
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
): Promise<{ items: CardDetail[]; total: number; totalCapped: boolean }> {
  const { items, ...total } = await searchCards(ctx.db, query);
  const switches = await unblockSwitches(ctx.db);
  return { items: items.map((card) => toCardDetail(card, switches)), ...total };
}

export async function updateCard(
  ctx: ServiceContext,
  tx: Transaction,
  actor: OperatorActor,
  id: string,
  input: UpdateCardBody,
): Promise<CardDetail> {
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
}

/**
 * Sets the server's count of admin-key attempts back to zero, for when the card is known to have its
 * attempts (for example responses were issued but never entered). Audited with the admin's reason.
 * Refused when the card reported a failed last attempt: its key is blocked, and a count of zero would
 * only send more responses to a card that can no longer take them.
 */
export async function resetAdminKeyAttempts(
  ctx: ServiceContext,
  tx: Transaction,
  actor: OperatorActor,
  id: string,
  input: ResetAttemptsBody,
): Promise<CardDetail> {
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
}

/**
 * Registers a new admin key for a card whose key was changed on the card (re-keyed). The count starts
 * at zero and a key known to be blocked is forgotten with the old key. A generated key is shown once.
 */
export async function replaceAdminKey(
  ctx: ServiceContext,
  uow: UnitOfWork,
  actor: OperatorActor,
  id: string,
  input: ReplaceAdminKeyBody,
): Promise<RegisterCardResponse> {
  let made: NewAdminKey | undefined;
  try {
    await uow(async (tx) => {
      const card = await requireCard(tx, id);
      await ctx.keys.ensureCurrent(tx);
      // A re-keyed card under a deriving profile moves to the current master version.
      made = await newAdminKeyForCard(
        ctx,
        tx,
        { cardId: id, serial: card.serial, profile: card.profile },
        input.adminKey,
        auditActor(actor),
      );
      await replaceAdminKeyRow(tx, id, made.values);
      await appendAuditEvent(tx, {
        ...auditActor(actor),
        action: 'card.admin_key_replaced',
        cardId: id,
        userId: card.user.id,
        ticket: input.ticket ?? null,
        details: {
          serial: card.serial,
          algorithm: made.values.algorithm,
          kcv: made.values.kcv,
          previousKcv: card.adminKey.kcv,
          keySource: made.source,
          ...(made.masterVersion === null ? {} : { masterVersion: made.masterVersion }),
          reason: input.reason,
          wasBlocked: card.adminKey.blockedAt !== null,
        },
      });
    });
    if (!made) throw new Error('no admin key was made');
    return registrationAnswer(id, made);
  } finally {
    made?.key.fill(0);
  }
}
