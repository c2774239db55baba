/**
 * Custody of the admin keys: they exist in clear only in memory, for the moment a response is computed
 * or a key is registered. At rest they are sealed under the KEK (AES-256-GCM, card id as associated
 * data). The database stores a check value of the KEK, so a missing or wrong KEK file stops the
 * server at start instead of failing at the first unblock.
 */
import { existsSync } from 'node:fs';
import { toHex } from '@cardwarden/protocol/hex';
import {
  aesCmac,
  constantTimeEqual,
  envelopeKekId,
  formatEnvelope,
  generateKek,
  hmacSha256Hex,
  kekCheckValue,
  kekId,
  open,
  parseEnvelope,
  randomNonce,
  seal,
  SealError,
  type KdfPrf,
} from '@cardwarden/protocol/crypto';
import type { Database } from '../db/database.js';
import { getSetting, setSettingOnce } from '../repositories/settings.repository.js';
import { countAdminKeys } from '../repositories/admin-key.repository.js';
import { KekError, installPendingKek, readKekFile, writeKekFile } from './kek-file.js';
import { HSM_KEK_LABEL, Pkcs11Token, type Pkcs11Config } from './pkcs11-token.js';

export const KEK_CHECK_SETTING = 'kek_check_value';
/**
 * The label of the current KEK on the HSM. Absent: the first label, `cardwarden-kek`. Set by HSM KEK
 * rotation and by the move from a KEK file to an HSM, in the same transaction as the re-sealed keys.
 */
export const KEK_HSM_LABEL_SETTING = 'kek_hsm_label';

/** Where KEK rotation seals to: a new KEK file's key, or a new KEK on the HSM. */
export interface SealTarget {
  readonly kekId: string;
  seal(plaintext: Uint8Array, owner: string): string;
}

/** The sealed things KEK rotation moves, by the owner their envelope is bound to. */
export type SealedOwner =
  | { readonly kind: 'admin-key'; readonly cardId: string }
  | { readonly kind: 'master'; readonly profileId: string; readonly version: number }
  | { readonly kind: 'totp'; readonly operatorId: string };

const kekCheckInput = new TextEncoder().encode('cardwarden kek check v1');

/** The check value the database stores for a KEK on the HSM: CMAC(KEK, fixed text), hex. */
export function hsmKekCheckValue(token: Pkcs11Token, label: string): string {
  return toHex(token.cmac(label, kekCheckInput));
}

const hsmKekId = (checkValue: string): string => checkValue.slice(0, 8).toLowerCase();

/** Seals under a KEK on the token (AES-GCM on the token, owner as associated data). */
export function hsmSealTarget(token: Pkcs11Token, label: string, checkValue: string): SealTarget {
  const id = hsmKekId(checkValue);
  return {
    kekId: id,
    seal(plaintext, owner) {
      const iv = randomNonce();
      return formatEnvelope(id, iv, token.gcmEncrypt(label, iv, new TextEncoder().encode(owner), plaintext));
    },
  };
}

/** Seals under a KEK held in memory (file mode). */
export function fileSealTarget(kek: Uint8Array): SealTarget {
  return { kekId: kekId(kek), seal: (plaintext, owner) => seal(kek, plaintext, owner) };
}

/** `cardwarden-kek` is version 1, `cardwarden-kek-N` version N. */
function hsmKekVersion(label: string): number {
  const match = /^cardwarden-kek-(\d+)$/.exec(label);
  return match ? Number(match[1]) : 1;
}

/**
 * The next free versioned KEK label on the token after `current`. A label already taken (a rotation
 * that rolled back left its key behind) is skipped, never reused or destroyed: only the database says
 * which KEK is current, and a key it does not name may still be needed by an older backup.
 */
export function nextHsmKekLabel(token: Pkcs11Token, current: string | undefined): string {
  if (current === undefined && !token.findKey(HSM_KEK_LABEL)) return HSM_KEK_LABEL;
  for (let version = hsmKekVersion(current ?? HSM_KEK_LABEL) + 1; ; version++) {
    const label = `cardwarden-kek-${version}`;
    if (!token.findKey(label)) return label;
  }
}

const adminKeyOwner = (cardId: string): string => `cardwarden:admin-key:${cardId}`;
const masterOwner = (profileId: string, version: number): string =>
  `cardwarden:master:${profileId}:${version}`;
const encoder = new TextEncoder();
const MASTER_BYTES = { aes128: 16, aes192: 24, aes256: 32 } as const;
export type MasterKeyAlgorithm = keyof typeof MASTER_BYTES;

/** Where a master lives: sealed under the KEK (file mode) or as a labelled key on the HSM. */
export interface MasterMaterial {
  readonly profileId: string;
  readonly version: number;
  readonly sealed: string | null;
  readonly hsmLabel: string | null;
}

/** Identifies a master without revealing it: the first 3 bytes of CMAC(master, label), hex. */
const masterCheckInput = encoder.encode('cardwarden master check v1');
/** Binds a sealed TOTP secret to its operator, so a row copied to another operator does not open. */
const totpOwner = (operatorId: string): string => `cardwarden:totp:${operatorId}`;

export class KeyCustody {
  private constructor(
    private kek: Uint8Array,
    readonly kekFile: string,
    readonly warnings: readonly string[],
    /** Set in HSM mode: the KEK and the masters are on this token; `kek` is then empty. */
    private readonly hsm?: { readonly token: Pkcs11Token; label: string; checkValue: string },
  ) {}

  /** `file` (the KEK file) or `hsm` (PKCS#11 token). */
  get mode(): 'file' | 'hsm' {
    return this.hsm ? 'hsm' : 'file';
  }

  /**
   * Opens the HSM and its KEK, generating the KEK on the token (non-extractable) when neither it nor
   * any sealed key exists yet.
   * @throws KekError when the token, its PIN or its KEK is missing or does not match the database.
   */
  static async loadHsm(db: Database, config: Pkcs11Config): Promise<KeyCustody> {
    const stored = await getSetting(db, KEK_CHECK_SETTING);
    const storedLabel = await getSetting(db, KEK_HSM_LABEL_SETTING);
    const label = storedLabel ?? HSM_KEK_LABEL;
    const token = Pkcs11Token.open(config);
    try {
      const warnings: string[] = [];
      if (!token.findKey(label)) {
        if (stored !== undefined || (await countAdminKeys(db)) > 0) {
          throw new KekError(
            `the ${token.description} holds no key "${label}", but the database holds keys sealed under a KEK. ` +
              'Use the token that holds it (CARDWARDEN_PKCS11_TOKEN_LABEL), or restore it from the HSM backup' +
              (storedLabel === undefined
                ? '; if the keys are still sealed under a KEK file, move them onto this HSM with "npm run rotate-kek -- --to-hsm".'
                : '.'),
          );
        }
        token.generateAesKey(HSM_KEK_LABEL, 32, 'kek');
        warnings.push(`created the KEK "${HSM_KEK_LABEL}" on the ${token.description}: back the token up`);
      }
      const checkValue = hsmKekCheckValue(token, label);
      const agreed = stored ?? (await setSettingOnce(db, KEK_CHECK_SETTING, checkValue));
      if (!constantTimeEqual(agreed, checkValue)) {
        throw new KekError(
          `the KEK "${label}" on the ${token.description} is not the KEK that sealed the keys in this database. ` +
            'Use the right token; Cardwarden will not start with another KEK.',
        );
      }
      return new KeyCustody(new Uint8Array(0), '', warnings, { token, label, checkValue });
    } catch (error) {
      token.close();
      throw error;
    }
  }

  /** Whether an HSM key is sensitive and non-extractable (checks and diagnostics); undefined in file mode. */
  hsmKeyAttributes(label: string): { sensitive: boolean; extractable: boolean } | undefined {
    return this.hsm?.token.keyAttributes(label);
  }

  /** Logs out of the HSM (no-op in file mode). */
  close(): void {
    this.hsm?.token.close();
  }

  /**
   * Loads the KEK from `kekFile`, creating it when neither the file nor any sealed key exists yet.
   * @throws KekError naming the file when it is missing or does not match the database.
   */
  static async load(db: Database, kekFile: string): Promise<KeyCustody> {
    const stored = await getSetting(db, KEK_CHECK_SETTING);
    const hsmLabel = await getSetting(db, KEK_HSM_LABEL_SETTING);
    if (hsmLabel !== undefined) {
      throw new KekError(
        `the keys in this database are sealed under the KEK "${hsmLabel}" on an HSM (moved there by rotate-kek --to-hsm), not under a KEK file. ` +
          'Set CARDWARDEN_PKCS11_MODULE, CARDWARDEN_PKCS11_TOKEN_LABEL and CARDWARDEN_PKCS11_PIN_FILE.',
      );
    }
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
    return this.hsm ? hsmKekId(this.hsm.checkValue) : kekId(this.kek);
  }

  /**
   * A keyed digest (HMAC under the KEK, 16 hex digits) of text that must not be stored in clear but must
   * stay matchable, such as an unknown username that may be a password typed in the wrong field.
   */
  identifierDigest(text: string): string {
    if (this.hsm) {
      return toHex(this.hsm.token.cmac(this.hsm.label, encoder.encode(`cardwarden identifier:${text}`)))
        .toLowerCase()
        .slice(0, 16);
    }
    return hmacSha256Hex(this.kek, `cardwarden identifier:${text}`).slice(0, 16);
  }

  sealAdminKey(cardId: string, key: Uint8Array): string {
    return this.sealSecret(key, adminKeyOwner(cardId));
  }

  /**
   * Opens a card's sealed admin key. When the envelope names another KEK (another instance rotated
   * it), re-reads the KEK file once before giving up.
   */
  openAdminKey(cardId: string, sealed: string): Uint8Array {
    return this.openSecret(sealed, adminKeyOwner(cardId));
  }

  /**
   * Makes a new master for `profileId` version `version`: random bytes sealed under the KEK, or a
   * non-extractable key generated on the HSM. Answers where it lives and its check value.
   */
  createMaster(
    profileId: string,
    version: number,
    algorithm: MasterKeyAlgorithm,
  ): { sealed: string | null; hsmLabel: string | null; checkValue: string } {
    if (this.hsm) {
      // A random suffix: a transaction that rolled back may have left a key with the plain name behind.
      const label = `cardwarden-master-${profileId}-v${version}-${toHex(randomNonce(4)).toLowerCase()}`;
      this.hsm.token.generateAesKey(label, MASTER_BYTES[algorithm], 'master');
      const checkValue = toHex(this.hsm.token.cmac(label, masterCheckInput)).slice(0, 6);
      return { sealed: null, hsmLabel: label, checkValue };
    }
    const master = generateKek().slice(0, MASTER_BYTES[algorithm]);
    try {
      const checkValue = toHex(aesCmac(master, masterCheckInput)).slice(0, 6);
      return { sealed: this.sealSecret(master, masterOwner(profileId, version)), hsmLabel: null, checkValue };
    } finally {
      master.fill(0);
    }
  }

  /**
   * Runs `use` with the KDF's PRF keyed by a master: CMAC on the HSM (the master never leaves it), or
   * in memory with the master opened for this one call and wiped afterwards.
   */
  withMasterPrf<T>(master: MasterMaterial, use: (prf: KdfPrf) => T): T {
    if (master.hsmLabel !== null) {
      const { hsmLabel } = master;
      if (!this.hsm) {
        throw new KekError(
          `master version ${master.version} is held on an HSM (key "${hsmLabel}"), but no HSM is configured: set CARDWARDEN_PKCS11_MODULE`,
        );
      }
      const token = this.hsm.token;
      return use((data) => token.cmac(hsmLabel, data));
    }
    if (master.sealed === null) throw new KekError(`master version ${master.version} has no key material`);
    const key = this.openSecret(master.sealed, masterOwner(master.profileId, master.version));
    try {
      return use((data) => aesCmac(key, data));
    } finally {
      key.fill(0);
    }
  }

  private sealSecret(plaintext: Uint8Array, owner: string): string {
    if (this.hsm)
      return hsmSealTarget(this.hsm.token, this.hsm.label, this.hsm.checkValue).seal(plaintext, owner);
    return seal(this.kek, plaintext, owner);
  }

  /**
   * Opens a sealed value with this custody's KEK and seals it to `target` (KEK rotation, or the move
   * from a KEK file to an HSM); the clear value lives only for this call and is wiped.
   */
  resealTo(owner: SealedOwner, sealed: string, target: SealTarget): string {
    const bound = ownerText(owner);
    const plain = this.openSecret(sealed, bound);
    try {
      return target.seal(plain, bound);
    } finally {
      plain.fill(0);
    }
  }

  /**
   * A new KEK on this custody's HSM under the next versioned label (non-extractable, generated on the
   * token), for rotation. It is not used until the database names it.
   */
  generateNextHsmKek(currentLabel: string): { label: string; checkValue: string; target: SealTarget } {
    if (!this.hsm) throw new KekError('no HSM is configured');
    const label = nextHsmKekLabel(this.hsm.token, currentLabel);
    this.hsm.token.generateAesKey(label, 32, 'kek');
    const checkValue = hsmKekCheckValue(this.hsm.token, label);
    return { label, checkValue, target: hsmSealTarget(this.hsm.token, label, checkValue) };
  }

  /** The label of the KEK on the HSM in use (undefined in file mode). */
  get hsmKekLabel(): string | undefined {
    return this.hsm?.label;
  }

  /** Switches to the KEK the database now names, once the rotation that made it has committed. */
  adoptHsmKek(label: string, checkValue: string): void {
    if (!this.hsm) throw new KekError('no HSM is configured');
    this.hsm.label = label;
    this.hsm.checkValue = checkValue;
  }

  /** Destroys a retired KEK on the HSM (after the rotation that replaced it committed). */
  destroyHsmKey(label: string): void {
    if (!this.hsm) throw new KekError('no HSM is configured');
    if (label === this.hsm.label) throw new KekError(`the KEK "${label}" is still in use`);
    this.hsm.token.destroyKey(label);
  }

  private openSecret(envelope: string, owner: string): Uint8Array {
    if (this.hsm) {
      const { kekId: id, iv, body } = parseEnvelope(envelope);
      if (id !== this.currentKekId) {
        throw new SealError(`envelope was sealed under KEK ${id}, not the HSM's ${this.currentKekId}`);
      }
      try {
        return this.hsm.token.gcmDecrypt(this.hsm.label, iv, encoder.encode(owner), body);
      } catch {
        throw new SealError('sealed envelope failed authentication (wrong KEK, wrong owner, or tampered)');
      }
    }
    if (envelopeKekId(envelope) !== kekId(this.kek)) this.reload();
    return open(this.kek, envelope, owner);
  }

  /** Seals an operator's TOTP secret (base32) for storage. */
  sealTotpSecret(operatorId: string, secret: string): string {
    // Through sealSecret: under the KEK file, or on the HSM (its KEK never leaves the token).
    return this.sealSecret(encoder.encode(secret), totpOwner(operatorId));
  }

  /** Opens an operator's sealed TOTP secret, re-reading the KEK file once when another instance rotated it. */
  openTotpSecret(operatorId: string, sealed: string): string {
    return new TextDecoder().decode(this.openSecret(sealed, totpOwner(operatorId)));
  }

  /** Seals single sign-on state in progress (sso_pending); `owner` binds it to its kind and lookup. */
  sealSsoState(owner: string, plaintext: Uint8Array): string {
    return this.sealSecret(plaintext, `sso:${owner}`);
  }

  /** Opens sealed single sign-on state; throws SealError when it does not open (e.g. after a KEK rotation). */
  openSsoState(owner: string, sealed: string): Uint8Array {
    return this.openSecret(sealed, `sso:${owner}`);
  }

  /** Makes sure this instance seals under the KEK the database names (another instance may have rotated it). */
  async ensureCurrent(db: Database): Promise<void> {
    if (this.hsm) {
      const stored = await getSetting(db, KEK_CHECK_SETTING);
      if (stored !== undefined && !constantTimeEqual(stored, this.hsm.checkValue)) {
        throw new KekError(
          `the KEK on the ${this.hsm.token.description} no longer matches the database (rotate-kek ran): restart this server`,
        );
      }
      return;
    }
    const stored = await getSetting(db, KEK_CHECK_SETTING);
    if (stored !== undefined && !constantTimeEqual(stored, kekCheckValue(this.kek))) this.reload();
    if (stored !== undefined && !constantTimeEqual(stored, kekCheckValue(this.kek))) {
      throw new KekError(
        `the KEK file ${this.kekFile} no longer matches the database; restart after fixing it`,
      );
    }
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

function ownerText(owner: SealedOwner): string {
  switch (owner.kind) {
    case 'admin-key':
      return adminKeyOwner(owner.cardId);
    case 'master':
      return masterOwner(owner.profileId, owner.version);
    case 'totp':
      return totpOwner(owner.operatorId);
  }
}
