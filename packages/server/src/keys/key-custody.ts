/**
 * Custody of the admin keys: they exist in clear only in memory, for the moment a response is computed
 * or a key is registered. At rest they are sealed under the KEK (AES-256-GCM, card id as associated
 * data). The database stores a check value of the KEK, so a missing or wrong KEK file stops the
 * server at start instead of failing at the first unblock.
 */
import { existsSync } from 'node:fs';
import {
  constantTimeEqual,
  envelopeKekId,
  generateKek,
  hmacSha256Hex,
  kekCheckValue,
  kekId,
  open,
  seal,
} from '@cardwarden/protocol/crypto';
import type { Database } from '../db/database.js';
import { getSetting, setSettingOnce } from '../repositories/settings.repository.js';
import { countAdminKeys } from '../repositories/admin-key.repository.js';
import { KekError, installPendingKek, readKekFile, writeKekFile } from './kek-file.js';

export const KEK_CHECK_SETTING = 'kek_check_value';

const adminKeyOwner = (cardId: string): string => `cardwarden:admin-key:${cardId}`;
/** Binds a sealed TOTP secret to its operator, so a row copied to another operator does not open. */
const totpOwner = (operatorId: string): string => `cardwarden:totp:${operatorId}`;

export class KeyCustody {
  private constructor(
    private kek: Uint8Array,
    readonly kekFile: string,
    readonly warnings: readonly string[],
  ) {}

  /**
   * Loads the KEK from `kekFile`, creating it when neither the file nor any sealed key exists yet.
   * @throws KekError naming the file when it is missing or does not match the database.
   */
  static async load(db: Database, kekFile: string): Promise<KeyCustody> {
    const stored = await getSetting(db, KEK_CHECK_SETTING);
    let kek = readKekFile(kekFile);
    const warnings: string[] = [];

    if (kek === undefined) {
      if (stored !== undefined || (await countAdminKeys(db)) > 0) {
        throw new KekError(
          `the KEK file ${kekFile} is missing, but the database holds admin keys sealed under a KEK. ` +
            'Restore the file from your key backup, or set CARDWARDEN_KEK_FILE to where it is.',
        );
      }
      kek = createFirstKek(kekFile);
      warnings.push(`created a new KEK file ${kekFile}: back it up apart from the database`);
    }

    const agreed = stored ?? (await setSettingOnce(db, KEK_CHECK_SETTING, kekCheckValue(kek)));
    if (!constantTimeEqual(agreed, kekCheckValue(kek))) {
      kek = finishInterruptedRotation(kekFile, agreed) ?? kek;
      if (!constantTimeEqual(agreed, kekCheckValue(kek))) {
        throw new KekError(
          `the KEK file ${kekFile} does not match the KEK that sealed the admin keys in this database. ` +
            'Restore the right file from your key backup; Cardwarden will not start with another KEK.',
        );
      }
      warnings.push(`completed an interrupted KEK rotation: ${kekFile} now holds the new KEK`);
    }
    return new KeyCustody(kek, kekFile, warnings);
  }

  /** Identifies the KEK in use, for envelopes and the rotate command. */
  get currentKekId(): string {
    return kekId(this.kek);
  }

  /**
   * A keyed digest (HMAC under the KEK, 16 hex digits) of text that must not be stored in clear but must
   * stay matchable, such as an unknown username that may be a password typed in the wrong field.
   */
  identifierDigest(text: string): string {
    return hmacSha256Hex(this.kek, `cardwarden identifier:${text}`).slice(0, 16);
  }

  sealAdminKey(cardId: string, key: Uint8Array): string {
    return seal(this.kek, key, adminKeyOwner(cardId));
  }

  /**
   * Opens a card's sealed admin key. When the envelope names another KEK (another instance rotated
   * it), re-reads the KEK file once before giving up.
   */
  openAdminKey(cardId: string, sealed: string): Uint8Array {
    if (envelopeKekId(sealed) !== kekId(this.kek)) this.reload();
    return open(this.kek, sealed, adminKeyOwner(cardId));
  }

  /** Seals an operator's TOTP secret (base32) for storage. */
  sealTotpSecret(operatorId: string, secret: string): string {
    return seal(this.kek, new TextEncoder().encode(secret), totpOwner(operatorId));
  }

  /** Opens an operator's sealed TOTP secret, re-reading the KEK file once when another instance rotated it. */
  openTotpSecret(operatorId: string, sealed: string): string {
    if (envelopeKekId(sealed) !== kekId(this.kek)) this.reload();
    return new TextDecoder().decode(open(this.kek, sealed, totpOwner(operatorId)));
  }

  /** Re-seals a sealed TOTP secret under `next` (used by KEK rotation). */
  resealTotpSecret(operatorId: string, sealed: string, next: Uint8Array): string {
    return seal(
      next,
      new TextEncoder().encode(this.openTotpSecret(operatorId, sealed)),
      totpOwner(operatorId),
    );
  }

  /** Makes sure this instance seals under the KEK the database names (another instance may have rotated it). */
  async ensureCurrent(db: Database): Promise<void> {
    const stored = await getSetting(db, KEK_CHECK_SETTING);
    if (stored !== undefined && !constantTimeEqual(stored, kekCheckValue(this.kek))) this.reload();
    if (stored !== undefined && !constantTimeEqual(stored, kekCheckValue(this.kek))) {
      throw new KekError(
        `the KEK file ${this.kekFile} no longer matches the database; restart after fixing it`,
      );
    }
  }

  /** Re-seals a sealed key under `next` (used by KEK rotation). */
  reseal(cardId: string, sealed: string, next: Uint8Array): string {
    return seal(next, this.openAdminKey(cardId, sealed), adminKeyOwner(cardId));
  }

  private reload(): void {
    const kek = readKekFile(this.kekFile);
    if (kek) this.kek = kek;
  }
}

function createFirstKek(kekFile: string): Uint8Array {
  const kek = generateKek();
  try {
    writeKekFile(kekFile, kek, true);
    return kek;
  } catch (error) {
    // Another instance created it a moment ago: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      const theirs = readKekFile(kekFile);
      if (theirs) return theirs;
    }
    throw error;
  }
}

/** A rotation that committed to the database but did not yet rename `<file>.new` into place. */
function finishInterruptedRotation(kekFile: string, agreed: string): Uint8Array | undefined {
  const pending = `${kekFile}.new`;
  if (!existsSync(pending)) return undefined;
  const next = readKekFile(pending);
  if (!next || !constantTimeEqual(agreed, kekCheckValue(next))) return undefined;
  installPendingKek(kekFile);
  return next;
}
