/**
 * The one seam through which a card's admin key is used or made. A random key is opened from its
 * sealed envelope; a derived key is derived again from the card's recorded master (SP 800-108 with
 * AES-CMAC, on the HSM when the master lives there). Either way the key exists in clear only for the
 * call to `use`, and is wiped afterwards.
 */
import { api, routeKey } from '@cardwarden/contract';
import { toHex } from '@cardwarden/protocol/hex';
import { type AdminKeyAlgorithm } from '@cardwarden/protocol/admin-key';
import {
  ADMIN_KEY_DERIVATION,
  deriveAdminKeyWith,
  keyCheckValue,
  SealError,
} from '@cardwarden/protocol/crypto';
import type { AdminKeyInput } from '@cardwarden/contract';
import { AppError } from '../errors.js';
import type { Database } from '../db/database.js';
import type { AdminKeyValues } from '../repositories/admin-key.repository.js';
import { appendAuditEvent } from '../repositories/audit.repository.js';
import {
  findCurrentMaster,
  findMasterById,
  findMasterByVersion,
  insertMaster,
  lockNextMasterVersion,
  lockProfileMasters,
  retireOtherMasters,
  type MasterRow,
} from '../repositories/master.repository.js';
import { adminKeyBytes } from '../services/admin-key-input.js';
import type { KeyCustody, MasterKeyAlgorithm } from './key-custody.js';

/** What the seam needs to know about a card's key: the row's key columns and the card's serial. */
export interface CardKeyRef {
  readonly cardId: string;
  readonly serial: string;
  readonly algorithm: AdminKeyAlgorithm;
  readonly sealed: string;
  readonly masterId: string | null;
  readonly derivation: string | null;
}

interface Custody {
  readonly keys: KeyCustody;
}

// Masters never change once written but for their envelope (KEK rotation) and state: cached per
// process, fetched again when an envelope no longer opens.
const masterCache = new WeakMap<KeyCustody, Map<string, MasterRow>>();

async function masterFor(ctx: Custody, db: Database, id: string, fresh: boolean): Promise<MasterRow> {
  let cache = masterCache.get(ctx.keys);
  if (!cache) masterCache.set(ctx.keys, (cache = new Map<string, MasterRow>()));
  const cached = fresh ? undefined : cache.get(id);
  if (cached) return cached;
  const row = await findMasterById(db, id);
  if (!row) throw new AppError('master.not_found', 'the master key this card was derived from is missing');
  cache.set(id, row);
  return row;
}

function deriveWith(
  keys: KeyCustody,
  master: MasterRow,
  algorithm: AdminKeyAlgorithm,
  serial: string,
): Uint8Array {
  return keys.withMasterPrf(master, (prf) => deriveAdminKeyWith(prf, algorithm, serial, master.version));
}

/**
 * Runs `use` with the card's admin key in clear (opened or derived), wiped afterwards. `db` is the
 * caller's transaction when it holds one.
 */
export async function withCardAdminKey<T>(
  ctx: Custody,
  db: Database,
  card: CardKeyRef,
  use: (key: Uint8Array) => T,
): Promise<T> {
  let key: Uint8Array;
  if (card.masterId === null) {
    key = ctx.keys.openAdminKey(card.cardId, card.sealed);
  } else {
    if (card.derivation !== ADMIN_KEY_DERIVATION) {
      throw new AppError(
        'master.unavailable',
        `this server does not know the key derivation "${card.derivation ?? ''}"`,
      );
    }
    const master = await masterFor(ctx, db, card.masterId, false);
    try {
      key = deriveWith(ctx.keys, master, card.algorithm, card.serial);
    } catch (error) {
      if (!(error instanceof SealError)) throw error;
      key = deriveWith(ctx.keys, await masterFor(ctx, db, card.masterId, true), card.algorithm, card.serial);
    }
  }
  try {
    return use(key);
  } finally {
    key.fill(0);
  }
}

/** A new admin key for a card: the row to store, and the key in clear for the caller to answer and wipe. */
export interface NewAdminKey {
  readonly values: AdminKeyValues;
  /** The key in clear: the caller shows it once when generated or derived (for personalisation) and wipes it. */
  readonly key: Uint8Array;
  readonly source: 'imported' | 'generated' | 'derived';
  /** The master version a derived key comes from. */
  readonly masterVersion: number | null;
}

/**
 * The admin key for a card being registered or re-keyed. Under a profile that derives keys, `derive`
 * (or `generate`) derives from the profile's current master (made as version 1 when it has none);
 * a typed key is always taken as given and sealed. Call inside the transaction that stores the row.
 */
export async function newAdminKeyForCard(
  ctx: Custody,
  tx: Database,
  card: {
    readonly cardId: string;
    readonly serial: string;
    readonly profile: {
      readonly id: string;
      readonly name: string;
      readonly adminKeySource: 'random' | 'derived';
    };
  },
  input: AdminKeyInput,
  actor: { actor: string; actorType: 'operator' | 'cardholder' | 'system' } = {
    actor: 'system',
    actorType: 'system',
  },
): Promise<NewAdminKey> {
  const wantsDerived =
    'derive' in input || ('generate' in input && card.profile.adminKeySource === 'derived');
  if ('derive' in input && card.profile.adminKeySource !== 'derived') {
    throw new AppError(
      'profile.not_deriving',
      `the profile "${card.profile.name}" does not derive admin keys: set its adminKeySource to "derived", or give the key`,
    );
  }
  if (wantsDerived) {
    const master = await currentMasterOf(ctx, tx, card.profile.id, actor);
    return derivedKey(ctx, master, card.serial, input.algorithm);
  }
  const { key, source } = adminKeyBytes(input);
  const kcv = toHex(keyCheckValue(input.algorithm, key));
  return {
    values: { algorithm: input.algorithm, sealed: ctx.keys.sealAdminKey(card.cardId, key), kcv },
    key,
    source,
    masterVersion: null,
  };
}

/**
 * For bulk import: the key row of a card derived under `profileId`'s master `version` (as another CMS
 * issued it), or its current master when no version is given. Nothing in clear is kept or returned.
 * @throws AppError master.not_found when the profile has no such version.
 */
export async function derivedAdminKeyValues(
  ctx: Custody,
  tx: Database,
  card: { readonly serial: string; readonly profileId: string; readonly algorithm: AdminKeyAlgorithm },
  version?: number,
): Promise<AdminKeyValues & { masterVersion: number }> {
  const master =
    version === undefined
      ? await findCurrentMaster(tx, card.profileId)
      : await findMasterByVersion(tx, card.profileId, version);
  if (!master) {
    throw new AppError(
      'master.not_found',
      version === undefined
        ? `the profile has no master key yet: create one with ${routeKey(api.masters.create)}`
        : `the profile has no master version ${version}`,
    );
  }
  const made = derivedKey(ctx, master, card.serial, card.algorithm);
  made.key.fill(0);
  return { ...made.values, masterVersion: master.version };
}

/**
 * For bulk import with the master row in hand (read once per profile and version, not once per card):
 * the key row of a card derived under it. Nothing in clear is kept or returned.
 */
export function derivedAdminKeyValuesWith(
  ctx: Custody,
  master: MasterRow,
  serial: string,
  algorithm: AdminKeyAlgorithm,
): AdminKeyValues {
  const made = derivedKey(ctx, master, serial, algorithm);
  made.key.fill(0);
  return made.values;
}

function derivedKey(
  ctx: Custody,
  master: MasterRow,
  serial: string,
  algorithm: AdminKeyAlgorithm,
): NewAdminKey {
  const key = deriveWith(ctx.keys, master, algorithm, serial);
  return {
    values: {
      algorithm,
      sealed: '',
      kcv: toHex(keyCheckValue(algorithm, key)),
      masterId: master.id,
      derivation: ADMIN_KEY_DERIVATION,
    },
    key,
    source: 'derived',
    masterVersion: master.version,
  };
}

async function currentMasterOf(
  ctx: Custody,
  tx: Database,
  profileId: string,
  actor: { actor: string; actorType: 'operator' | 'cardholder' | 'system' },
): Promise<MasterRow> {
  const current = await findCurrentMaster(tx, profileId);
  if (current) return current;
  // The profile's first derived card: make version 1, unless a concurrent registration just did.
  await lockProfileMasters(tx, profileId);
  return (
    (await findCurrentMaster(tx, profileId)) ??
    (await createMasterVersion(ctx, tx, profileId, 'aes256', actor))
  );
}

/**
 * A new master version for the profile, made current; older versions are retired but keep deriving
 * the keys of the cards issued under them. Audited. Call inside a transaction.
 */
export async function createMasterVersion(
  ctx: Custody,
  tx: Database,
  profileId: string,
  algorithm: MasterKeyAlgorithm,
  actor: { actor: string; actorType: 'operator' | 'cardholder' | 'system' },
  reason?: string,
): Promise<MasterRow> {
  const version = await lockNextMasterVersion(tx, profileId);
  const material = ctx.keys.createMaster(profileId, version, algorithm);
  const row = await insertMaster(tx, { profileId, version, algorithm, ...material });
  await retireOtherMasters(tx, profileId, row.id);
  await appendAuditEvent(tx, {
    ...actor,
    action: version === 1 ? 'master.created' : 'master.rotated',
    details: {
      profileId,
      version,
      algorithm,
      custody: material.hsmLabel === null ? 'kek' : 'hsm',
      checkValue: material.checkValue,
      ...(reason ? { reason } : {}),
    },
  });
  return row;
}
