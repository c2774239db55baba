/**
 * KEK rotation: a new KEK, every admin key re-sealed under it in one transaction, then the new file
 * put in place. The old file is kept as `<file>.retired-<time>` for restoring older database backups;
 * destroy it when no backup needs it. A crash after the commit is finished at the next start
 * (KeyCustody.load picks up `<file>.new`).
 */
import { generateKek, kekCheckValue, kekId } from '@cardwarden/protocol/crypto';
import type { Database } from '../db/database.js';
import {
  listPendingSealedForUpdate,
  listSealedForUpdate,
  updatePendingSealed,
  updateSealed,
} from '../repositories/admin-key.repository.js';
import { appendAuditEvent } from '../repositories/audit.repository.js';
import { listSealedMastersForUpdate, updateMasterSealed } from '../repositories/master.repository.js';
import { putSetting } from '../repositories/settings.repository.js';
import { listSealedTotpForUpdate, updateSealedTotp } from '../repositories/second-factor.repository.js';
import { KEK_CHECK_SETTING, KeyCustody } from './key-custody.js';
import { installPendingKek, writeKekFile } from './kek-file.js';

export interface RotationResult {
  readonly resealed: number;
  readonly oldKekId: string;
  readonly newKekId: string;
  readonly retiredFile: string;
}

export async function rotateKek(db: Database, kekFile: string): Promise<RotationResult> {
  const custody = await KeyCustody.load(db, kekFile);
  const next = generateKek();
  writeKekFile(`${kekFile}.new`, next, false);
  const resealed = await db.transaction(async (tx) => {
    const keys = await listSealedForUpdate(tx);
    for (const key of keys) await updateSealed(tx, key.cardId, custody.reseal(key.cardId, key.sealed, next));
    // Masters sealed under the KEK move with it; the keys derived from them do not change.
    const masters = await listSealedMastersForUpdate(tx);
    for (const m of masters) {
      await updateMasterSealed(tx, m.id, custody.resealMaster(m.profileId, m.version, m.sealed, next));
    }
    // Keys an interrupted issuance left pending are keys a card may hold: they move with the rest.
    for (const key of await listPendingSealedForUpdate(tx)) {
      await updatePendingSealed(tx, key.cardId, custody.reseal(key.cardId, key.sealed, next));
    }
    // Staff TOTP secrets are sealed under the same KEK.
    for (const totp of await listSealedTotpForUpdate(tx)) {
      await updateSealedTotp(
        tx,
        totp.operatorId,
        custody.resealTotpSecret(totp.operatorId, totp.sealedSecret, next),
      );
    }
    await putSetting(tx, KEK_CHECK_SETTING, kekCheckValue(next));
    await appendAuditEvent(tx, {
      actor: 'system',
      actorType: 'system',
      action: 'kek.rotated',
      details: {
        resealed: keys.length,
        resealedMasters: masters.length,
        oldKekId: custody.currentKekId,
        newKekId: kekId(next),
      },
    });
    return keys.length;
  });
  const retiredFile = installPendingKek(kekFile);
  return { resealed, oldKekId: custody.currentKekId, newKekId: kekId(next), retiredFile };
}
