/**
 * A profile's master keys: listing them (never the keys) and rotation. Rotation makes a new version
 * current; cards issued under an older version keep deriving their keys from it, and move to the new
 * one when next re-keyed.
 */
import type { CreateMasterBody, MasterKey, MasterKeyList } from '@cardwarden/contract';
import { AppError } from '../errors.js';
import { createMasterVersion } from '../keys/card-admin-key.js';
import { countCardsByMaster, listMasters, type MasterRow } from '../repositories/master.repository.js';
import { findProfileById } from '../repositories/profile.repository.js';
import { auditActor, type OperatorActor, type ServiceContext } from './context.js';
import type { Transaction } from '../db/unit-of-work.js';

function toMasterKey(row: MasterRow, currentId: string | undefined, cardCount: number): MasterKey {
  return {
    id: row.id,
    profileId: row.profileId,
    version: row.version,
    algorithm: row.algorithm,
    custody: row.hsmLabel === null ? 'kek' : 'hsm',
    checkValue: row.checkValue,
    state: row.state,
    current: row.id === currentId,
    cardCount,
    createdAt: row.createdAt.toISOString(),
  };
}

function currentOf(rows: readonly MasterRow[]): string | undefined {
  return rows.filter((r) => r.state === 'active').sort((a, b) => b.version - a.version)[0]?.id;
}

/** The profile's master versions (oldest first) with their card counts, and where a new one would live. */
export async function listProfileMasters(ctx: ServiceContext, profileId: string): Promise<MasterKeyList> {
  if (!(await findProfileById(ctx.db, profileId))) {
    throw new AppError('profile.not_found', 'no card profile has that id');
  }
  const [rows, counts] = await Promise.all([
    listMasters(ctx.db, profileId),
    countCardsByMaster(ctx.db, profileId),
  ]);
  const current = currentOf(rows);
  return {
    items: rows.map((row) => toMasterKey(row, current, counts.get(row.id) ?? 0)),
    newVersionCustody: ctx.keys.mode === 'hsm' ? 'hsm' : 'kek',
  };
}

/** Makes a new master version for the profile and makes it current (audited). */
export async function rotateProfileMaster(
  ctx: ServiceContext,
  tx: Transaction,
  actor: OperatorActor,
  profileId: string,
  input: CreateMasterBody,
): Promise<MasterKey> {
  if (!(await findProfileById(tx, profileId))) {
    throw new AppError('profile.not_found', 'no card profile has that id');
  }
  await ctx.keys.ensureCurrent(tx);
  const row = await createMasterVersion(ctx, tx, profileId, input.algorithm, auditActor(actor), input.reason);
  return toMasterKey(row, row.id, 0);
}
