/**
 * KEK rotation, in three forms that share one re-sealing transaction (`resealAll`):
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
  type SealedOwner,
  type SealTarget,
} from './key-custody.js';
import { installPendingKek, KekError, writeKekFile } from './kek-file.js';
import { HSM_KEK_LABEL, Pkcs11Token, type Pkcs11Config } from './pkcs11-token.js';
import { inTransaction } from '../db/unit-of-work.js';

export interface RotationResult {
  readonly resealed: number;
  readonly resealedMasters: number;
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

/** One kind of sealed value: how to list its rows (locked), the owner its envelope is bound to, and how to store it. */
interface SealedKind<Row> {
  readonly list: (tx: Database) => Promise<Row[]>;
  readonly owner: (row: Row) => SealedOwner;
  readonly sealed: (row: Row) => string;
  readonly store: (tx: Database, row: Row, sealed: string) => Promise<void>;
}

const sealedKind = <Row>(kind: SealedKind<Row>): SealedKind<Row> => kind;

/** Random admin keys (derived keys have nothing sealed: they follow their master). */
const ADMIN_KEYS = sealedKind({
  list: listSealedForUpdate,
  owner: (row) => ({ kind: 'admin-key', cardId: row.cardId }),
  sealed: (row) => row.sealed,
  store: (tx, row, sealed) => updateSealed(tx, row.cardId, sealed),
});
/**
 * Masters sealed under the KEK move with it; the keys derived from them do not change. Masters held on
 * the HSM as their own keys (sealed is null) are not listed: they stay where they are.
 */
const MASTERS = sealedKind({
  list: listSealedMastersForUpdate,
  owner: (row) => ({ kind: 'master', profileId: row.profileId, version: row.version }),
  sealed: (row) => row.sealed,
  store: (tx, row, sealed) => updateMasterSealed(tx, row.id, sealed),
});
/** Keys an interrupted issuance left pending are keys a card may hold: they move with the rest. */
const PENDING_KEYS = sealedKind({
  list: listPendingSealedForUpdate,
  owner: (row) => ({ kind: 'admin-key', cardId: row.cardId }),
  sealed: (row) => row.sealed,
  store: (tx, row, sealed) => updatePendingSealed(tx, row.cardId, sealed),
});
/** Staff TOTP secrets are sealed under the same KEK. */
const TOTP_SECRETS = sealedKind({
  list: listSealedTotpForUpdate,
  owner: (row) => ({ kind: 'totp', operatorId: row.operatorId }),
  sealed: (row) => row.sealedSecret,
  store: (tx, row, sealed) => updateSealedTotp(tx, row.operatorId, sealed),
});

/** Re-seals every row of one kind from `custody`'s KEK to `target`; `after(n)` runs after the n-th. */
async function resealKind<Row>(
  tx: Database,
  custody: KeyCustody,
  target: SealTarget,
  kind: SealedKind<Row>,
  after?: (count: number) => void,
): Promise<number> {
  const rows = await kind.list(tx);
  let done = 0;
  for (const row of rows) {
    await kind.store(tx, row, custody.resealTo(kind.owner(row), kind.sealed(row), target));
    after?.(++done);
  }
  return rows.length;
}

/** Rotations are run by the server's own command line, not by a person signed in. */
const BY_THE_SYSTEM = { actor: 'system', actorType: 'system' } as const;

/** What a rotation records in the same transaction as the re-sealed values. */
interface RotationRecord {
  /** Settings naming the new KEK (its check value, and its label on the HSM). */
  readonly settings: Readonly<Record<string, string>>;
  /** The audit event, given how many values of each kind were re-sealed. */
  readonly audit: (tx: Database, resealed: ResealedCounts) => Promise<void>;
}

/** How many sealed values of each kind a rotation re-sealed, as its audit event records them. */
interface ResealedCounts {
  resealed: number;
  resealedMasters: number;
  resealedPending: number;
  resealedTotp: number;
}

/**
 * The one re-sealing transaction every rotation runs: every sealed value (admin keys, masters sealed
 * under the KEK, pending issuance keys, staff TOTP secrets) from `custody`'s KEK to `target`, the
 * settings that name the new KEK, and the audit event, all committed together or not at all.
 */
async function resealAll(
  db: Database,
  custody: KeyCustody,
  target: SealTarget,
  record: RotationRecord,
  hooks: RotationHooks,
): Promise<ResealCounts> {
  return inTransaction(db, async (tx) => {
    const counts: ResealCounts = {
      adminKeys: await resealKind(tx, custody, target, ADMIN_KEYS, hooks.afterResealedAdminKey),
      masters: await resealKind(tx, custody, target, MASTERS),
      pending: await resealKind(tx, custody, target, PENDING_KEYS),
      totp: await resealKind(tx, custody, target, TOTP_SECRETS),
    };
    for (const [key, value] of Object.entries(record.settings)) await putSetting(tx, key, value);
    await record.audit(tx, {
      resealed: counts.adminKeys,
      resealedMasters: counts.masters,
      resealedPending: counts.pending,
      resealedTotp: counts.totp,
    });
    return counts;
  });
}

export async function rotateKek(
  db: Database,
  kekFile: string,
  hooks: RotationHooks = {},
): Promise<RotationResult> {
  const custody = await KeyCustody.load(db, kekFile);
  const next = generateKek();
  const oldKekId = custody.currentKekId;
  writeKekFile(`${kekFile}.new`, next, false);
  const counts = await resealAll(
    db,
    custody,
    fileSealTarget(next),
    {
      settings: { [KEK_CHECK_SETTING]: kekCheckValue(next) },
      audit: (tx, resealed) =>
        appendAuditEvent(tx, {
          ...BY_THE_SYSTEM,
          action: 'kek.rotated',
          details: { ...resealed, oldKekId, newKekId: kekId(next) },
        }),
    },
    hooks,
  );
  const retiredFile = installPendingKek(kekFile);
  return {
    resealed: counts.adminKeys,
    resealedMasters: counts.masters,
    oldKekId,
    newKekId: kekId(next),
    retiredFile,
  };
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
    const counts = await resealAll(
      db,
      custody,
      next.target,
      {
        settings: { [KEK_HSM_LABEL_SETTING]: next.label, [KEK_CHECK_SETTING]: next.checkValue },
        audit: (tx, resealed) =>
          appendAuditEvent(tx, {
            ...BY_THE_SYSTEM,
            action: 'kek.rotated',
            details: { ...resealed, oldKekId, newKekId: next.target.kekId, oldLabel, newLabel: next.label },
          }),
      },
      hooks,
    );
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
    const counts = await resealAll(
      db,
      custody,
      target,
      {
        settings: { [KEK_HSM_LABEL_SETTING]: label, [KEK_CHECK_SETTING]: checkValue },
        audit: (tx, resealed) =>
          appendAuditEvent(tx, {
            ...BY_THE_SYSTEM,
            action: 'kek.moved_to_hsm',
            details: {
              ...resealed,
              oldKekId: custody.currentKekId,
              newKekId: target.kekId,
              newLabel: label,
              token: token.description,
            },
          }),
      },
      hooks,
    );
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
