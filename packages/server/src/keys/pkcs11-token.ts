/**
 * The HSM, through PKCS#11 (pkcs11js): the KEK and the masters are AES keys on the token, generated
 * there as non-extractable and sensitive, so no key ever leaves it. The server asks it to seal and open
 * admin keys (CKM_AES_GCM) and to run the KDF's CMAC (CKM_AES_CMAC through C_Sign).
 *
 * pkcs11js is loaded only when an HSM is configured: a server without one never loads the native module.
 */
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Pkcs11Module from 'pkcs11js';
import { KekError } from './kek-file.js';

type Pkcs11Js = typeof Pkcs11Module;

export interface Pkcs11Config {
  /** Path of the PKCS#11 library (`CARDWARDEN_PKCS11_MODULE`), e.g. /usr/lib/softhsm/libsofthsm2.so. */
  readonly module: string;
  /** The token's label (`CARDWARDEN_PKCS11_TOKEN_LABEL`), or its slot number (`CARDWARDEN_PKCS11_SLOT`). */
  readonly tokenLabel?: string | undefined;
  readonly slot?: number | undefined;
  /** A file holding the user PIN (`CARDWARDEN_PKCS11_PIN_FILE`), private to the service user. */
  readonly pinFile: string;
}

export const HSM_KEK_LABEL = 'cardwarden-kek';
export const CMAC_BYTES = 16;
const GCM_TAG_BITS = 128;

let loaded: Pkcs11Js | undefined;
function pkcs11js(): Pkcs11Js {
  loaded ??= createRequire(import.meta.url)('pkcs11js') as Pkcs11Js;
  return loaded;
}

function readPin(pinFile: string): string {
  let mode: number;
  try {
    mode = statSync(pinFile).mode & 0o777;
  } catch {
    throw new KekError(
      `the HSM PIN file ${pinFile} cannot be read: create it (one line, the token's user PIN)`,
    );
  }
  if ((mode & 0o077) !== 0) {
    throw new KekError(
      `the HSM PIN file ${pinFile} is open to other users (mode 0${mode.toString(8)}): run "chmod 600 ${pinFile}"`,
    );
  }
  return readFileSync(pinFile, 'utf8').trim();
}

/** One logged-in session on the token. PKCS#11 calls are synchronous: one operation at a time. */
export class Pkcs11Token {
  private readonly keyHandles = new Map<string, Buffer>();

  private constructor(
    private readonly lib: Pkcs11Module.PKCS11,
    private readonly session: Buffer,
    readonly description: string,
  ) {}

  /** @throws KekError naming what is wrong (library, token, PIN) and what to do. */
  static open(config: Pkcs11Config): Pkcs11Token {
    const p = pkcs11js();
    const lib = new p.PKCS11();
    try {
      lib.load(config.module);
      lib.C_Initialize();
    } catch (error) {
      throw new KekError(
        `the PKCS#11 module ${config.module} (CARDWARDEN_PKCS11_MODULE) cannot be loaded: ${(error as Error).message}`,
      );
    }
    try {
      const slots = lib.C_GetSlotList(true);
      const slot = slots.find((s, index) =>
        config.tokenLabel !== undefined
          ? lib.C_GetTokenInfo(s).label.trim() === config.tokenLabel
          : (config.slot ?? 0) === index || slotId(s) === config.slot,
      );
      if (!slot) {
        throw new KekError(
          `no PKCS#11 token ${config.tokenLabel !== undefined ? `labelled "${config.tokenLabel}"` : `in slot ${config.slot ?? 0}`} ` +
            `is present in ${config.module}: check CARDWARDEN_PKCS11_TOKEN_LABEL (or CARDWARDEN_PKCS11_SLOT) and that the token is initialised`,
        );
      }
      const session = lib.C_OpenSession(slot, p.CKF_SERIAL_SESSION | p.CKF_RW_SESSION);
      try {
        lib.C_Login(session, p.CKU_USER, readPin(config.pinFile));
      } catch (error) {
        if (error instanceof KekError) throw error;
        throw new KekError(
          `the HSM refused the PIN in ${config.pinFile}: ${(error as Error).message}. Put the token's user PIN in that file.`,
        );
      }
      const label = lib.C_GetTokenInfo(slot).label.trim();
      return new Pkcs11Token(lib, session, `PKCS#11 token "${label}"`);
    } catch (error) {
      lib.C_Finalize();
      throw error;
    }
  }

  close(): void {
    try {
      this.lib.C_Logout(this.session);
      this.lib.C_CloseSession(this.session);
    } finally {
      this.lib.C_Finalize();
    }
  }

  /** The handle of the secret key labelled `label`, or undefined. */
  findKey(label: string): Buffer | undefined {
    const cached = this.keyHandles.get(label);
    if (cached) return cached;
    const p = pkcs11js();
    this.lib.C_FindObjectsInit(this.session, [
      { type: p.CKA_CLASS, value: p.CKO_SECRET_KEY },
      { type: p.CKA_LABEL, value: label },
    ]);
    try {
      const handle = this.lib.C_FindObjects(this.session);
      if (handle) this.keyHandles.set(label, handle);
      return handle ?? undefined;
    } finally {
      this.lib.C_FindObjectsFinal(this.session);
    }
  }

  requireKey(label: string): Buffer {
    const handle = this.findKey(label);
    if (!handle) {
      throw new KekError(
        `the key "${label}" is not on the ${this.description}: restore the token from its backup`,
      );
    }
    return handle;
  }

  /**
   * Generates an AES key on the token: persistent, sensitive, never extractable. `uses` says what it
   * may do: the KEK seals and opens (and signs its check value), a master only signs (CMAC).
   */
  generateAesKey(label: string, bytes: 16 | 24 | 32, uses: 'kek' | 'master'): Buffer {
    const p = pkcs11js();
    const handle = this.lib.C_GenerateKey(this.session, { mechanism: p.CKM_AES_KEY_GEN }, [
      { type: p.CKA_CLASS, value: p.CKO_SECRET_KEY },
      { type: p.CKA_KEY_TYPE, value: p.CKK_AES },
      { type: p.CKA_VALUE_LEN, value: bytes },
      { type: p.CKA_LABEL, value: label },
      { type: p.CKA_TOKEN, value: true },
      { type: p.CKA_PRIVATE, value: true },
      { type: p.CKA_SENSITIVE, value: true },
      { type: p.CKA_EXTRACTABLE, value: false },
      { type: p.CKA_ENCRYPT, value: uses === 'kek' },
      { type: p.CKA_DECRYPT, value: uses === 'kek' },
      { type: p.CKA_WRAP, value: false },
      { type: p.CKA_UNWRAP, value: false },
      { type: p.CKA_SIGN, value: true },
      { type: p.CKA_VERIFY, value: false },
    ]);
    this.keyHandles.set(label, handle);
    return handle;
  }

  /** Destroys the key labelled `label` (a retired KEK); no-op when the token holds none. */
  destroyKey(label: string): void {
    const handle = this.findKey(label);
    this.keyHandles.delete(label);
    if (handle) this.lib.C_DestroyObject(this.session, handle);
  }

  /** Whether the token keeps the key sensitive and non-extractable (what the tests check). */
  keyAttributes(label: string): { sensitive: boolean; extractable: boolean } {
    const p = pkcs11js();
    const [sensitive, extractable] = this.lib.C_GetAttributeValue(this.session, this.requireKey(label), [
      { type: p.CKA_SENSITIVE },
      { type: p.CKA_EXTRACTABLE },
    ]);
    const truthy = (value: unknown): boolean => Buffer.isBuffer(value) && value[0] === 1;
    return { sensitive: truthy(sensitive?.value), extractable: truthy(extractable?.value) };
  }

  /** AES-CMAC on the token (CKM_AES_CMAC): the key never leaves it. */
  cmac(label: string, data: Uint8Array): Uint8Array {
    const p = pkcs11js();
    this.lib.C_SignInit(this.session, { mechanism: p.CKM_AES_CMAC }, this.requireKey(label));
    const out = this.lib.C_Sign(this.session, Buffer.from(data), Buffer.alloc(CMAC_BYTES));
    return new Uint8Array(out);
  }

  /** AES-GCM on the token; `body` is ciphertext ‖ tag. */
  gcmEncrypt(label: string, iv: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    this.lib.C_EncryptInit(this.session, this.gcm(iv, aad), this.requireKey(label));
    const out = this.lib.C_Encrypt(
      this.session,
      Buffer.from(plaintext),
      Buffer.alloc(plaintext.length + GCM_TAG_BITS / 8),
    );
    return new Uint8Array(out);
  }

  /** @throws Error when the tag does not verify (wrong key, wrong owner, tampered). */
  gcmDecrypt(label: string, iv: Uint8Array, aad: Uint8Array, body: Uint8Array): Uint8Array {
    this.lib.C_DecryptInit(this.session, this.gcm(iv, aad), this.requireKey(label));
    const out = Buffer.alloc(body.length);
    const plain = this.lib.C_Decrypt(this.session, Buffer.from(body), out);
    const result = new Uint8Array(plain);
    out.fill(0);
    return result;
  }

  private gcm(iv: Uint8Array, aad: Uint8Array): Pkcs11Module.Mechanism {
    const p = pkcs11js();
    const parameter: Pkcs11Module.GcmParams = {
      type: p.CK_PARAMS_AES_GCM,
      iv: Buffer.from(iv),
      ivBits: iv.length * 8,
      aad: Buffer.from(aad),
      tagBits: GCM_TAG_BITS,
    };
    return { mechanism: p.CKM_AES_GCM, parameter };
  }
}

function slotId(slot: Buffer): number {
  return slot.length >= 4 ? slot.readUInt32LE(0) : -1;
}
