/**
 * A software PIV card (NIST SP 800-73-4) with the Yubico extensions yubico-piv-tool needs to accept it
 * (reference §3): management key 9B with single and mutual GENERAL AUTHENTICATE, VERIFY, CHANGE REFERENCE
 * DATA, RESET RETRY COUNTER with the PUK, GET VERSION, GET SERIAL and SET MANAGEMENT KEY. It holds no
 * keys or certificates: every data object answers 6A82.
 */
import { fromHex, toHex } from '@cardwarden/protocol/hex';
import { ADMIN_KEY_SPECS, isAdminKeyAlgorithm } from '@cardwarden/protocol/admin-key';
import {
  encodeDynamicAuth,
  parseDynamicAuth,
  startsWith,
  SW,
  swTriesLeft,
  type CommandApdu,
} from '@cardwarden/protocol/apdu';
import {
  encodePivApplicationPropertyTemplate,
  PIV_AID,
  PIV_MANAGEMENT_KEY_REFERENCE,
  PIV_PIN_REFERENCE,
  PIV_PUK_REFERENCE,
  pivAlgorithmFromId,
} from '@cardwarden/protocol/piv';
import { constantTimeEqual, decryptEcb, encryptEcb, secureRandomBytes } from '@cardwarden/protocol/crypto';
import { reply, type ApduHandler } from '../apdu-dispatch.js';
import { t1Atr } from '../atr.js';
import { SingleApplicationCard } from '../single-application-card.js';
import { isValidPivSecret, type PivCardState } from './piv-card-state.js';

const MIN_AID_PREFIX = 5;
/** Reported by GET VERSION: 5.x makes yubico-piv-tool skip its pre-5 detection; below 5.3 it sends no GET METADATA. */
const FIRMWARE_VERSION = Uint8Array.of(5, 2, 7);

/** What a YubiKey's PIN and PUK become after SET PIN RETRIES. */
const DEFAULT_PIN = '123456';
const DEFAULT_PUK = '12345678';

type ManagementSession =
  | { readonly step: 'none' }
  | { readonly step: 'challenge-issued'; readonly challenge: Uint8Array }
  | { readonly step: 'witness-issued'; readonly witness: Uint8Array }
  | { readonly step: 'authenticated' };

/** A PIN or PUK from its FF-padded 8-byte form, or undefined when the padding is wrong. */
function unpad(padded: Uint8Array): string | undefined {
  if (padded.length !== 8) return undefined;
  const end = padded.indexOf(0xff);
  const body = end === -1 ? padded : padded.subarray(0, end);
  if (end !== -1 && padded.subarray(end).some((byte) => byte !== 0xff)) return undefined;
  return new TextDecoder().decode(body);
}

export class PivCard extends SingleApplicationCard<PivCardState> {
  readonly atr = t1Atr(new TextEncoder().encode('CWPIV'));
  private management: ManagementSession = { step: 'none' };
  protected readonly instructions = new Map<number, ApduHandler>([
    [0x20, (command) => this.verify(command)],
    [0x24, (command) => this.changeReferenceData(command)],
    [0x2c, (command) => this.resetRetryCounter(command)],
    [0x87, (command) => this.generalAuthenticate(command)],
    [0xcb, () => reply(SW.FILE_NOT_FOUND)],
    [0xfd, () => reply(SW.OK, FIRMWARE_VERSION)],
    [0xf8, () => reply(SW.OK, this.serialBytes())],
    [0xff, (command) => this.setManagementKey(command)],
    [0xfa, (command) => this.setPinRetries(command)],
  ]);
  protected readonly malformedSw = SW.WRONG_DATA;

  protected override clearSecurity(): void {
    super.clearSecurity();
    this.management = { step: 'none' };
  }

  private serialBytes(): Uint8Array {
    const out = new Uint8Array(4);
    new DataView(out.buffer).setUint32(0, this.state.serial);
    return out;
  }

  protected select(command: CommandApdu): Uint8Array {
    if (command.p1 !== 0x04) return reply(SW.FILE_NOT_FOUND);
    if (command.data.length < MIN_AID_PREFIX || !startsWith(PIV_AID, command.data))
      return reply(SW.FILE_NOT_FOUND);
    this.selected = true;
    this.clearSecurity();
    return reply(SW.OK, encodePivApplicationPropertyTemplate());
  }

  /** Checks `given` against a secret with its own counter; the try is counted before comparing. */
  private checkSecret(which: 'pin' | 'puk', given: Uint8Array): number {
    const triesField = which === 'pin' ? 'pinTriesLeft' : 'pukTriesLeft';
    const limitField = which === 'pin' ? 'pinTryLimit' : 'pukTryLimit';
    const { state } = this;
    if (state[triesField] === 0) return SW.AUTH_METHOD_BLOCKED;
    state[triesField]--;
    this.persist(state);
    const text = unpad(given);
    if (text !== undefined && constantTimeEqual(text, state[which])) {
      state[triesField] = state[limitField];
      this.persist(state);
      return SW.OK;
    }
    return swTriesLeft(state[triesField]);
  }

  private verify(command: CommandApdu): Uint8Array {
    if (command.p2 !== PIV_PIN_REFERENCE) return reply(SW.REFERENCE_NOT_FOUND);
    if (command.p1 === 0xff) {
      this.pinVerified = false;
      return reply(SW.OK);
    }
    if (command.p1 !== 0x00) return reply(SW.WRONG_P1P2);
    if (command.data.length === 0) {
      if (this.state.pinTriesLeft === 0) return reply(SW.AUTH_METHOD_BLOCKED);
      return reply(this.pinVerified ? SW.OK : swTriesLeft(this.state.pinTriesLeft));
    }
    if (command.data.length !== 8) return reply(SW.WRONG_LENGTH);
    const sw = this.checkSecret('pin', command.data);
    this.pinVerified = sw === SW.OK;
    return reply(sw);
  }

  private changeReferenceData(command: CommandApdu): Uint8Array {
    if (command.p1 !== 0x00) return reply(SW.WRONG_P1P2);
    const which =
      command.p2 === PIV_PIN_REFERENCE ? 'pin' : command.p2 === PIV_PUK_REFERENCE ? 'puk' : undefined;
    if (!which) return reply(SW.REFERENCE_NOT_FOUND);
    if (command.data.length !== 16) return reply(SW.WRONG_LENGTH);
    const next = unpad(command.data.subarray(8));
    if (next === undefined || !isValidPivSecret(next)) return reply(SW.WRONG_DATA);
    const sw = this.checkSecret(which, command.data.subarray(0, 8));
    if (sw !== SW.OK) return reply(sw);
    this.state[which] = next;
    this.persist(this.state);
    return reply(SW.OK);
  }

  private resetRetryCounter(command: CommandApdu): Uint8Array {
    if (command.p1 !== 0x00) return reply(SW.WRONG_P1P2);
    if (command.p2 !== PIV_PIN_REFERENCE) return reply(SW.REFERENCE_NOT_FOUND);
    if (command.data.length !== 16) return reply(SW.WRONG_LENGTH);
    const newPin = unpad(command.data.subarray(8));
    if (newPin === undefined || !isValidPivSecret(newPin)) return reply(SW.WRONG_DATA);
    const sw = this.checkSecret('puk', command.data.subarray(0, 8));
    if (sw !== SW.OK) return reply(sw);
    this.state.pin = newPin;
    this.state.pinTriesLeft = this.state.pinTryLimit;
    this.persist(this.state);
    return reply(SW.OK);
  }

  private generalAuthenticate(command: CommandApdu): Uint8Array {
    if (command.p2 !== PIV_MANAGEMENT_KEY_REFERENCE) return reply(SW.REFERENCE_NOT_FOUND);
    if (pivAlgorithmFromId(command.p1) !== this.state.algorithm) return reply(SW.WRONG_P1P2);
    const items = parseDynamicAuth(command.data);
    const { algorithm } = this.state;
    const key = fromHex(this.state.managementKey);
    const block = ADMIN_KEY_SPECS[algorithm].challengeBytes;
    const session = this.management;

    if (items.witness?.length === 0 && !items.challenge && !items.response) {
      const witness = secureRandomBytes(block);
      this.management = { step: 'witness-issued', witness };
      return reply(SW.OK, encodeDynamicAuth({ witness: encryptEcb(algorithm, key, witness) }));
    }
    if (items.challenge?.length === 0 && !items.witness && !items.response) {
      const challenge = secureRandomBytes(block);
      this.management = { step: 'challenge-issued', challenge };
      return reply(SW.OK, encodeDynamicAuth({ challenge }));
    }
    // Whatever follows answers the pending witness or challenge, which is single-use.
    this.management = { step: 'none' };
    if (items.witness && items.challenge) {
      if (session.step !== 'witness-issued') return reply(SW.CONDITIONS_NOT_SATISFIED);
      if (items.challenge.length !== block) return reply(SW.WRONG_DATA);
      if (!constantTimeEqual(items.witness, session.witness)) return reply(SW.SECURITY_NOT_SATISFIED);
      this.management = { step: 'authenticated' };
      return reply(SW.OK, encodeDynamicAuth({ response: encryptEcb(algorithm, key, items.challenge) }));
    }
    if (items.response) {
      if (session.step !== 'challenge-issued') return reply(SW.CONDITIONS_NOT_SATISFIED);
      if (items.response.length !== block) return reply(SW.SECURITY_NOT_SATISFIED);
      const decrypted = decryptEcb(algorithm, key, items.response);
      if (!constantTimeEqual(decrypted, session.challenge)) return reply(SW.SECURITY_NOT_SATISFIED);
      this.management = { step: 'authenticated' };
      return reply(SW.OK);
    }
    return reply(SW.WRONG_DATA);
  }

  /**
   * Yubico SET PIN RETRIES: `00 FA <pin tries> <puk tries>`, after 9B authentication and with the PIN
   * verified (as a YubiKey wants). Like a YubiKey it also sets the PIN and PUK back to their defaults
   * (123456 and 12345678): the issuer changes both next.
   */
  private setPinRetries(command: CommandApdu): Uint8Array {
    if (this.management.step !== 'authenticated' || !this.pinVerified)
      return reply(SW.SECURITY_NOT_SATISFIED);
    const { p1: pinTries, p2: pukTries } = command;
    if (pinTries < 1 || pinTries > 15 || pukTries < 1 || pukTries > 15) return reply(SW.WRONG_P1P2);
    Object.assign(this.state, {
      pin: DEFAULT_PIN,
      puk: DEFAULT_PUK,
      pinTryLimit: pinTries,
      pinTriesLeft: pinTries,
      pukTryLimit: pukTries,
      pukTriesLeft: pukTries,
    });
    this.persist(this.state);
    return reply(SW.OK);
  }

  /** Yubico SET MANAGEMENT KEY: `00 FF FF <touch> Lc <alg> 9B <len> <key>`, after 9B authentication. */
  private setManagementKey(command: CommandApdu): Uint8Array {
    if (command.p1 !== 0xff || command.p2 < 0xfd) return reply(SW.WRONG_P1P2);
    if (this.management.step !== 'authenticated') return reply(SW.SECURITY_NOT_SATISFIED);
    const [algorithmId = -1, reference, length] = command.data;
    const algorithm = pivAlgorithmFromId(algorithmId);
    const key = command.data.subarray(3);
    if (!algorithm || !isAdminKeyAlgorithm(algorithm) || reference !== PIV_MANAGEMENT_KEY_REFERENCE) {
      return reply(SW.WRONG_DATA);
    }
    if (length !== key.length || key.length !== ADMIN_KEY_SPECS[algorithm].keyBytes)
      return reply(SW.WRONG_LENGTH);
    this.state.algorithm = algorithm;
    this.state.managementKey = toHex(key);
    this.persist(this.state);
    return reply(SW.OK);
  }
}
