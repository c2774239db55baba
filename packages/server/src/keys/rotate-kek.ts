/**
 * KEK rotation, in three forms that share one re-sealing transaction:
 * - KEK file: a new KEK, every sealed value re-sealed under it in one transaction, then the new file put
 *   in place. The old file is kept as `<file>.retired-<time>` for restoring older database backups;
 *   destroy it when no backup needs it. A crash after the commit is finished at the next start
 *   (KeyCustody.load picks up `<file>.new`).
 * - HSM: a new non-extractable KEK generated on the token under the next versioned label
 *   (`cardwarden-kek-N`), every sealed value re-sealed under it, and the database's KEK label and check
 *   value changed in the same transaction. Only after the commit is the old KEK destroyed on the token.
 * - KEK file → HSM (`--to-hsm`): the same, from the file's KEK to a new KEK on the token; then the file
 *   is renamed `<file>.retired-<time>`: the server no longer needs it.
 * A crash before the commit leaves the database naming the old KEK, which is still there (an unused new
 * key may be left on the token); a crash after it leaves the database naming the new one.
 */
import { generateKek, kekCheckValue, kekId } from '@cardwarden/protocol/crypto';
import { existsSync, renameSync } from 'node:fs';
import type { Database } from '../db/database.js';
import {
  listPendingSealedForUpdate,
  listSealedForUpdate,
  updatePendingSealed,
  updateSealed,
} from '../repositories/admin-key.repository.js';
import { appendAuditEvent } from '../repositories/audit.repository.js';
import { listSealedMastersForUpdate, updateMasterSealed } from '../repositories/master.repository.js';
import { getSetting, putSetting } from '../repositories/settings.repository.js';
import { listSealedTotpForUpdate, updateSealedTotp } from '../repositories/second-factor.repository.js';
import {
  fileSealTarget,
  hsmKekCheckValue,
  hsmSealTarget,
  KEK_CHECK_SETTING,
  KEK_HSM_LABEL_SETTING,
  KeyCustody,
  nextHsmKekLabel,
  type SealTarget,
} from './key-custody.js';
import { installPendingKek, KekError, writeKekFile } from './kek-file.js';
import { HSM_KEK_LABEL, Pkcs11Token, type Pkcs11Config } from './pkcs11-token.js';

export interface RotationResult {
  readonly resealed: number;
  readonly oldKekId: string;
  readonly newKekId: string;
  readonly retiredFile: string;
}

export interface HsmRotationResult {
  readonly resealed: number;
  readonly resealedMasters: number;
  readonly oldKekId: string;
  readonly newKekId: string;
  readonly oldLabel: string;
  readonly newLabel: string;
}

export interface MoveToHsmResult extends HsmRotationResult {
  readonly retiredFile: string;
}

/** For tests only: called inside the transaction after each re-sealed admin key (to inject a crash). */
export interface RotationHooks {
  readonly afterResealedAdminKey?: (count: number) => void;
  /** Called after the commit, before the old KEK is retired (destroyed on the token, or the file moved). */
  readonly beforeRetiring?: () => void;
}

interface ResealCounts {
  readonly adminKeys: number;
  readonly pending: number;
  readonly masters: number;
  readonly totp: number;
}

/** Re-seals every sealed value from `custody`'s KEK to `target`, inside the caller's transaction. */
async function resealEverything(
  tx: Database,
  custody: KeyCustody,
  target: SealTarget,
  hooks: RotationHooks,
): Promise<ResealCounts> {
  const keys = await listSealedForUpdate(tx);
  let done = 0;
  for (const key of keys) {
    await updateSealed(
      tx,
      key.cardId,
      custody.resealTo({ kind: 'admin-key', cardId: key.cardId }, key.sealed, target),
    );
    hooks.afterResealedAdminKey?.(++done);
  }
  // Masters sealed under the KEK move with it; the keys derived from them do not change. Masters held
  // on the HSM as their own keys (sealed is null) are not listed: they stay where they are.
  const masters = await listSealedMastersForUpdate(tx);
  for (const m of masters) {
    const owner = { kind: 'master', profileId: m.profileId, version: m.version } as const;
    await updateMasterSealed(tx, m.id, custody.resealTo(owner, m.sealed, target));
  }
  // Keys an interrupted issuance left pending are keys a card may hold: they move with the rest.
  const pending = await listPendingSealedForUpdate(tx);
  for (const key of pending) {
    await updatePendingSealed(
      tx,
      key.cardId,
      custody.resealTo({ kind: 'admin-key', cardId: key.cardId }, key.sealed, target),
    );
  }
  // Staff TOTP secrets are sealed under the same KEK.
  const totp = await listSealedTotpForUpdate(tx);
  for (const t of totp) {
    const owner = { kind: 'totp', operatorId: t.operatorId } as const;
    await updateSealedTotp(tx, t.operatorId, custody.resealTo(owner, t.sealedSecret, target));
  }
  return { adminKeys: keys.length, pending: pending.length, masters: masters.length, totp: totp.length };
}

export async function rotateKek(
  db: Database,
  kekFile: string,
  hooks: RotationHooks = {},
): Promise<RotationResult> {
  const custody = await KeyCustody.load(db, kekFile);
  const next = generateKek();
  writeKekFile(`${kekFile}.new`, next, false);
  const resealed = await db.transaction(async (tx) => {
    const counts = await resealEverything(tx, custody, fileSealTarget(next), hooks);
    await putSetting(tx, KEK_CHECK_SETTING, kekCheckValue(next));
    await appendAuditEvent(tx, {
      actor: 'system',
      actorType: 'system',
      action: 'kek.rotated',
      details: {
        resealed: counts.adminKeys,
        resealedMasters: counts.masters,
        oldKekId: custody.currentKekId,
        newKekId: kekId(next),
      },
    });
    return counts.adminKeys;
  });
  const retiredFile = installPendingKek(kekFile);
  return { resealed, oldKekId: custody.currentKekId, newKekId: kekId(next), retiredFile };
}

/**
 * Rotates the KEK on the HSM. The old KEK is destroyed on the token once the new one is committed: a
 * KEK left on the token would still open whatever it sealed for anyone holding the PIN; older database
 * backups go with the token backup taken at the same time, which still holds it.
 */
export async function rotateHsmKek(
  db: Database,
  config: Pkcs11Config,
  hooks: RotationHooks = {},
): Promise<HsmRotationResult> {
  const custody = await KeyCustody.loadHsm(db, config);
  try {
    const oldLabel = custody.hsmKekLabel ?? HSM_KEK_LABEL;
    const oldKekId = custody.currentKekId;
    const next = custody.generateNextHsmKek(oldLabel);
    const counts = await db.transaction(async (tx) => {
      const counts = await resealEverything(tx, custody, next.target, hooks);
      await putSetting(tx, KEK_HSM_LABEL_SETTING, next.label);
      await putSetting(tx, KEK_CHECK_SETTING, next.checkValue);
      await appendAuditEvent(tx, {
        actor: 'system',
        actorType: 'system',
        action: 'kek.rotated',
        details: {
          resealed: counts.adminKeys,
          resealedMasters: counts.masters,
          oldKekId,
          newKekId: next.target.kekId,
          oldLabel,
          newLabel: next.label,
        },
      });
      return counts;
    });
    custody.adoptHsmKek(next.label, next.checkValue);
    hooks.beforeRetiring?.();
    custody.destroyHsmKey(oldLabel);
    return {
      resealed: counts.adminKeys,
      resealedMasters: counts.masters,
      oldKekId,
      newKekId: next.target.kekId,
      oldLabel,
      newLabel: next.label,
    };
  } finally {
    custody.close();
  }
}

/**
 * Moves a KEK-file installation onto an HSM: a new KEK on the token, everything re-sealed under it.
 * Masters sealed under the file KEK stay sealed masters, now under the token's KEK: they existed in
 * software once, and stay what they were (only masters created on the HSM never left it).
 */
export async function moveKekToHsm(
  db: Database,
  kekFile: string,
  config: Pkcs11Config,
  hooks: RotationHooks = {},
): Promise<MoveToHsmResult> {
  const already = await getSetting(db, KEK_HSM_LABEL_SETTING);
  if (already !== undefined) {
    throw new KekError(
      `the keys are already sealed under the KEK "${already}" on an HSM; use rotate-kek without --to-hsm`,
    );
  }
  const custody = await KeyCustody.load(db, kekFile);
  const token = Pkcs11Token.open(config);
  try {
    const label = nextHsmKekLabel(token, undefined);
    token.generateAesKey(label, 32, 'kek');
    const checkValue = hsmKekCheckValue(token, label);
    const target = hsmSealTarget(token, label, checkValue);
    const counts = await db.transaction(async (tx) => {
      const counts = await resealEverything(tx, custody, target, hooks);
      await putSetting(tx, KEK_HSM_LABEL_SETTING, label);
      await putSetting(tx, KEK_CHECK_SETTING, checkValue);
      await appendAuditEvent(tx, {
        actor: 'system',
        actorType: 'system',
        action: 'kek.moved_to_hsm',
        details: {
          resealed: counts.adminKeys,
          resealedMasters: counts.masters,
          oldKekId: custody.currentKekId,
          newKekId: target.kekId,
          newLabel: label,
          token: token.description,
        },
      });
      return counts;
    });
    // The file no longer opens anything the server uses; kept aside for restoring older backups.
    hooks.beforeRetiring?.();
    const retiredFile = `${kekFile}.retired-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    if (existsSync(kekFile)) renameSync(kekFile, retiredFile);
    return {
      resealed: counts.adminKeys,
      resealedMasters: counts.masters,
      oldKekId: custody.currentKekId,
      newKekId: target.kekId,
      oldLabel: '',
      newLabel: label,
      retiredFile,
    };
  } finally {
    token.close();
  }
}
