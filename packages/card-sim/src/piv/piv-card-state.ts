/** The persistent state of a software PIV card, as stored in its JSON state file. */
import { isHex } from '@cardwarden/protocol/hex';
import { ADMIN_KEY_SPECS, isAdminKeyAlgorithm, type AdminKeyAlgorithm } from '@cardwarden/protocol/admin-key';
import { CardStateError } from '../gids/gids-card-state.js';

/** YubiKey PIN and PUK lengths (reference §3.3). */
export const PIV_SECRET_MIN = 6;
export const PIV_SECRET_MAX = 8;

export interface PivCardState {
  readonly type: 'piv';
  readonly version: 1;
  /** Management-key (9B) algorithm and key, hex. A software card for tests keeps it in clear. */
  algorithm: AdminKeyAlgorithm;
  managementKey: string;
  pin: string;
  pinTryLimit: number;
  pinTriesLeft: number;
  puk: string;
  pukTryLimit: number;
  pukTriesLeft: number;
  /** What Yubico GET SERIAL answers. */
  serial: number;
}

export interface NewPivCardOptions {
  algorithm: AdminKeyAlgorithm;
  managementKey: string;
  pin: string;
  puk: string;
  serial?: number;
  pinTryLimit?: number;
  pukTryLimit?: number;
}

/** Whether `secret` is a PIN or PUK the card accepts: 6 to 8 printable ASCII characters. */
export function isValidPivSecret(secret: string): boolean {
  return secret.length >= PIV_SECRET_MIN && secret.length <= PIV_SECRET_MAX && /^[\x20-\x7e]*$/.test(secret);
}

function checkSecret(name: string, secret: unknown): void {
  if (typeof secret !== 'string' || !isValidPivSecret(secret)) {
    throw new CardStateError(
      `the ${name} must be ${PIV_SECRET_MIN} to ${PIV_SECRET_MAX} printable ASCII characters`,
    );
  }
}

function checkKey(algorithm: AdminKeyAlgorithm, key: unknown): void {
  const { keyBytes, label } = ADMIN_KEY_SPECS[algorithm];
  if (typeof key !== 'string' || !isHex(key) || key.length !== keyBytes * 2) {
    throw new CardStateError(`the management key must be ${keyBytes * 2} hex digits for ${label}`);
  }
}

function checkTries(name: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > 15) {
    throw new CardStateError(`${name} must be a whole number from ${min} to 15`);
  }
}

/** A new PIV card with the given secrets. */
export function newPivCardState(options: NewPivCardOptions): PivCardState {
  checkKey(options.algorithm, options.managementKey);
  checkSecret('PIN', options.pin);
  checkSecret('PUK', options.puk);
  const pinTryLimit = options.pinTryLimit ?? 3;
  const pukTryLimit = options.pukTryLimit ?? 3;
  checkTries('the PIN try limit', pinTryLimit, 1);
  checkTries('the PUK try limit', pukTryLimit, 1);
  return {
    type: 'piv',
    version: 1,
    algorithm: options.algorithm,
    managementKey: options.managementKey.toUpperCase(),
    pin: options.pin,
    pinTryLimit,
    pinTriesLeft: pinTryLimit,
    puk: options.puk,
    pukTryLimit,
    pukTriesLeft: pukTryLimit,
    serial: options.serial ?? 12345678,
  };
}

/**
 * Checks a state read from a file.
 * @throws CardStateError naming the first field that is wrong.
 */
export function parsePivCardState(value: unknown): PivCardState {
  if (typeof value !== 'object' || value === null) throw new CardStateError('the state is not a JSON object');
  const state = value as Partial<PivCardState>;
  if (state.type !== 'piv' || state.version !== 1) throw new CardStateError('not a version-1 PIV card state');
  if (typeof state.algorithm !== 'string' || !isAdminKeyAlgorithm(state.algorithm)) {
    throw new CardStateError('algorithm must be 3des, aes128, aes192 or aes256');
  }
  checkKey(state.algorithm, state.managementKey);
  checkSecret('PIN', state.pin);
  checkSecret('PUK', state.puk);
  checkTries('pinTryLimit', state.pinTryLimit, 1);
  checkTries('pukTryLimit', state.pukTryLimit, 1);
  checkTries('pinTriesLeft', state.pinTriesLeft, 0);
  checkTries('pukTriesLeft', state.pukTriesLeft, 0);
  if (
    typeof state.serial !== 'number' ||
    !Number.isInteger(state.serial) ||
    state.serial < 0 ||
    state.serial > 0xffffffff
  ) {
    throw new CardStateError('serial must be a whole number that fits in 4 bytes');
  }
  return state as PivCardState;
}
