/** The persistent state of a software GIDS card, as stored in its JSON state file. */
import { fromHex, isHex, toHex } from '@cardwarden/protocol/hex';
import { ADMIN_KEY_SPECS, isAdminKeyAlgorithm, type AdminKeyAlgorithm } from '@cardwarden/protocol/admin-key';
import { encodeGidsMasterfile, GIDS_INITIAL_MASTERFILE, GIDS_MASTERFILE } from '@cardwarden/protocol/gids';

/** GIDS PIN limits (GidsApplet, reference §2.6). */
export const GIDS_PIN_MIN = 4;
export const GIDS_PIN_MAX = 16;

export interface GidsCardState {
  readonly type: 'gids';
  readonly version: 1;
  /** The 16-byte card id ("cardid", file A012 / DO DF20), hex. */
  serial: string;
  algorithm: AdminKeyAlgorithm;
  /** The admin key, hex. A software card for tests keeps it in clear; never reuse a real card's key. */
  adminKey: string;
  /** Wrong responses allowed before admin authentication is blocked for ever; null for no limit (GidsApplet). */
  adminTryLimit: number | null;
  adminTriesLeft: number;
  pin: string;
  pinTryLimit: number;
  pinTriesLeft: number;
  /** Data objects by "FILE/DO" in hex (e.g. "A012/DF20"), values hex: what gids-tool --initialize writes. */
  dataObjects: Record<string, string>;
}

export interface NewGidsCardOptions {
  serial: string;
  algorithm: AdminKeyAlgorithm;
  adminKey: string;
  pin: string;
  pinTryLimit?: number;
  adminTryLimit?: number | null;
}

/** A problem with options or a state file, with a message for the person who gave them. */
export class CardStateError extends Error {
  override readonly name = 'CardStateError';
}

function dataObjectKey(file: number, dataObject: number): string {
  return `${file.toString(16).toUpperCase().padStart(4, '0')}/${dataObject.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The key under which `dataObjects` holds a data object. */
export { dataObjectKey as gidsDataObjectKey };

function checkPin(pin: string): void {
  if (pin.length < GIDS_PIN_MIN || pin.length > GIDS_PIN_MAX || !/^[\x20-\x7e]*$/.test(pin)) {
    throw new CardStateError(`a GIDS PIN is ${GIDS_PIN_MIN} to ${GIDS_PIN_MAX} printable ASCII characters`);
  }
}

function checkTries(name: string, value: unknown, allowNull: boolean): void {
  if (allowNull && value === null) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 15) {
    throw new CardStateError(`${name} must be a whole number from 1 to 15${allowNull ? ' (or none)' : ''}`);
  }
}

function checkKey(algorithm: AdminKeyAlgorithm, key: string, what: string): void {
  const { keyBytes, label } = ADMIN_KEY_SPECS[algorithm];
  if (!isHex(key) || key.length !== keyBytes * 2) {
    throw new CardStateError(
      `${what} must be ${keyBytes * 2} hex digits for ${label}, got ${key.length} characters`,
    );
  }
}

/** A freshly initialised card: the files and data objects `gids-tool --initialize` creates (reference §2.7). */
export function newGidsCardState(options: NewGidsCardOptions): GidsCardState {
  const { serial, algorithm, adminKey, pin } = options;
  if (!isHex(serial) || serial.length !== 32) {
    throw new CardStateError(`the serial must be 32 hex digits (16 bytes), got ${serial.length} characters`);
  }
  checkKey(algorithm, adminKey, 'the admin key');
  checkPin(pin);
  const pinTryLimit = options.pinTryLimit ?? 3;
  const adminTryLimit = options.adminTryLimit === undefined ? 3 : options.adminTryLimit;
  checkTries('the PIN try limit', pinTryLimit, false);
  checkTries('the admin-key try limit', adminTryLimit, true);
  return {
    type: 'gids',
    version: 1,
    serial: serial.toUpperCase(),
    algorithm,
    adminKey: adminKey.toUpperCase(),
    adminTryLimit,
    adminTriesLeft: adminTryLimit ?? 0,
    pin,
    pinTryLimit,
    pinTriesLeft: pinTryLimit,
    dataObjects: {
      [dataObjectKey(GIDS_MASTERFILE.file, GIDS_MASTERFILE.dataObject)]: toHex(
        encodeGidsMasterfile(GIDS_INITIAL_MASTERFILE),
      ),
      [dataObjectKey(0xa010, 0xdf21)]: '6D73637000000000',
      [dataObjectKey(0xa010, 0xdf22)]: '000000000000',
      [dataObjectKey(0xa010, 0xdf23)]: '',
      [dataObjectKey(0xa012, 0xdf20)]: serial.toUpperCase(),
    },
  };
}

/**
 * Checks a state read from a file.
 * @throws CardStateError naming the first field that is wrong.
 */
export function parseGidsCardState(value: unknown): GidsCardState {
  if (typeof value !== 'object' || value === null) throw new CardStateError('the state is not a JSON object');
  const state = value as Partial<GidsCardState>;
  if (state.type !== 'gids' || state.version !== 1)
    throw new CardStateError('not a version-1 GIDS card state');
  if (typeof state.algorithm !== 'string' || !isAdminKeyAlgorithm(state.algorithm)) {
    throw new CardStateError('algorithm must be 3des, aes128, aes192 or aes256');
  }
  checkKey(state.algorithm, String(state.adminKey), 'adminKey');
  checkPin(String(state.pin));
  checkTries('pinTryLimit', state.pinTryLimit, false);
  checkTries('adminTryLimit', state.adminTryLimit, true);
  for (const field of ['pinTriesLeft', 'adminTriesLeft'] as const) {
    const tries = state[field];
    if (typeof tries !== 'number' || !Number.isInteger(tries) || tries < 0 || tries > 15) {
      throw new CardStateError(`${field} must be a whole number from 0 to 15`);
    }
  }
  if (typeof state.serial !== 'string' || !isHex(state.serial) || state.serial.length !== 32) {
    throw new CardStateError('serial must be 32 hex digits');
  }
  const objects = state.dataObjects;
  if (
    typeof objects !== 'object' ||
    Object.values(objects).some((hex) => typeof hex !== 'string' || !isHex(hex))
  ) {
    throw new CardStateError('dataObjects must map "FILE/DO" to hex strings');
  }
  return state as GidsCardState;
}

/** The admin key as bytes. */
export function gidsAdminKeyBytes(state: GidsCardState): Uint8Array {
  return fromHex(state.adminKey);
}
