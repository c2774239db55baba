import type { CreateUserBody, UpdateUserBody, User, UserDetail, UserState } from '@cardwarden/contract';
import { AppError, isUniqueViolation } from '../errors.js';
import { hashPassword } from '../auth/password.js';
import { appendAuditEvent } from '../repositories/audit.repository.js';
import { listCardsOfUser } from '../repositories/card.repository.js';
import { revokeTokensOf } from '../repositories/token.repository.js';
import {
  findUserById,
  insertUser,
  searchUsers,
  setUserPasswordHash,
  updateUser as updateUserRow,
  type UserRecord,
} from '../repositories/user.repository.js';
import type { Database } from '../db/database.js';
import { auditActor, type OperatorActor, type ServiceContext } from './context.js';
import { securitySummary } from './identity.service.js';
import { unblockSwitches } from './settings.service.js';
import { toCardSummary, toUser } from './views.js';
import type { Transaction, UnitOfWork } from '../db/unit-of-work.js';

async function requireUser(db: Database, id: string): Promise<UserRecord> {
  const user = await findUserById(db, id);
  if (!user) throw new AppError('user.not_found', 'no user has that id');
  return user;
}

export async function createUser(
  ctx: ServiceContext,
  uow: UnitOfWork,
  actor: OperatorActor,
  input: CreateUserBody,
): Promise<User> {
  try {
    return await uow(async (tx) => {
      const id = await insertUser(tx, input);
      await appendAuditEvent(tx, {
        ...auditActor(actor),
        action: 'user.created',
        userId: id,
        details: { username: input.username },
      });
      return toUser(await requireUser(tx, id));
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError('user.username_taken', `a user named "${input.username}" exists already`);
    }
    throw error;
  }
}

export async function findUsers(
  ctx: ServiceContext,
  query: { q?: string | undefined; state?: UserState | undefined; limit: number; offset: number },
): Promise<{ items: User[]; total: number; totalCapped: boolean }> {
  const { items, ...total } = await searchUsers(ctx.db, query);
  return { items: items.map(toUser), ...total };
}

/** A user with their cards, and per card whether the help desk can unblock it offline and why not. */
export async function getUserDetail(ctx: ServiceContext, id: string): Promise<UserDetail> {
  const user = await requireUser(ctx.db, id);
  const cards = await listCardsOfUser(ctx.db, id);
  const switches = await unblockSwitches(ctx.db);
  return {
    ...toUser(user),
    cards: cards.map((card) => toCardSummary(card, switches)),
    securityQuestions: await securitySummary(
      ctx.db,
      id,
      cards.map((card) => card.profile),
    ),
  };
}

/**
 * A directory user's username, name and email come from the directory, and so does a suspension the
 * directory made. An operator may still suspend one (that is stricter than the directory).
 */
function refuseSyncedChange(user: UserRecord, input: UpdateUserBody): void {
  const synced = [
    ...(input.displayName !== undefined && input.displayName !== user.displayName ? ['displayName'] : []),
    ...(input.email !== undefined && input.email !== user.email ? ['email'] : []),
  ];
  if (synced.length > 0) {
    throw new AppError(
      'user.directory_managed',
      `${synced.join(' and ')} of this user come from the directory and are read-only here: change them in the directory; the next sync brings them here`,
    );
  }
  if (input.state === 'active' && user.state === 'suspended' && user.suspendedByDirectory) {
    throw new AppError(
      'user.directory_managed',
      'the directory disabled or removed this user: enable the account in the directory; the next sync makes it active here',
    );
  }
}

export async function updateUser(
  ctx: ServiceContext,
  tx: Transaction,
  actor: OperatorActor,
  id: string,
  input: UpdateUserBody & { ticket?: string | undefined },
): Promise<User> {
  const before = await requireUser(tx, id);
  if (before.source === 'directory') refuseSyncedChange(before, input);
  await updateUserRow(tx, id, { displayName: input.displayName, email: input.email, state: input.state });
  if (input.state !== undefined && input.state !== 'active') await revokeTokensOf(tx, id);
  await appendAuditEvent(tx, {
    ...auditActor(actor),
    action: 'user.updated',
    userId: id,
    ticket: input.ticket ?? null,
    details: {
      ...(input.state && input.state !== before.state
        ? { state: input.state, previousState: before.state }
        : {}),
      ...(input.displayName ? { displayName: input.displayName } : {}),
      ...(input.email ? { email: input.email } : {}),
    },
  });
  return toUser(await requireUser(tx, id));
}

/** Sets (or, with null, removes) a cardholder's self-service password; ends their sessions. */
export async function setUserPassword(
  ctx: ServiceContext,
  uow: UnitOfWork,
  actor: OperatorActor,
  id: string,
  password: string | null,
): Promise<void> {
  const passwordHash = password === null ? null : await hashPassword(password);
  await uow(async (tx) => {
    const user = await requireUser(tx, id);
    if (user.source === 'directory') {
      throw new AppError(
        'user.directory_managed',
        'this cardholder signs in to self-service with the directory password: change it in the directory',
      );
    }
    await setUserPasswordHash(tx, id, passwordHash);
    await revokeTokensOf(tx, id);
    await appendAuditEvent(tx, {
      ...auditActor(actor),
      action: password === null ? 'user.password_removed' : 'user.password_set',
      userId: id,
    });
  });
}
