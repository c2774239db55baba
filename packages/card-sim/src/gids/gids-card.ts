/**
 * A software GIDS card, already initialised, as Windows' inbox GIDS minidriver and OpenSC's card-gids.c see
 * it. Behaviour follows GidsApplet (reference §2) except where the issue asks for more: an admin-key retry
 * counter (GidsApplet has none) and single-use challenges from a secure random source.
 */
import { fromHex, toHex } from '@cardwarden/protocol/hex';
import { ADMIN_KEY_SPECS } from '@cardwarden/protocol/admin-key';
import {
  encodeDynamicAuth,
  encodeTlv,
  findTlv,
  parseDynamicAuth,
  parseTlvs,
  startsWith,
  SW,
  swTriesLeft,
  type CommandApdu,
} from '@cardwarden/protocol/apdu';
import {
  encodeGidsFci,
  encodeGidsPinStatus,
  GIDS_ADMIN_KEY_REFERENCE,
  GIDS_AID,
  GIDS_APPLICATION_FILE,
  GIDS_DEAUTHENTICATE_REFERENCE,
  GIDS_PIN_REFERENCE,
  GIDS_PIN_STATUS_DO,
} from '@cardwarden/protocol/gids';
import {
  checkGidsHostCryptogram,
  computeAdminResponse,
  constantTimeEqual,
  gidsCardCryptogram,
  GIDS_MUTUAL_RANDOM_BYTES,
  secureRandomBytes,
} from '@cardwarden/protocol/crypto';
import { reply, type ApduHandler } from '../apdu-dispatch.js';
import { t1Atr } from '../atr.js';
import { SingleApplicationCard } from '../single-application-card.js';
import { GIDS_PIN_MAX, GIDS_PIN_MIN, gidsDataObjectKey, type GidsCardState } from './gids-card-state.js';

const EMPTY = new Uint8Array();
/** The shortest AID prefix the card answers to; shorter ones would match other vendors' applications. */
const MIN_AID_PREFIX = 5;
/** PIN status objects: PIN, (GidsApplet answers all three from the one PIN), PUK. */
const PIN_STATUS_OBJECTS = [0x7f71, 0x7f72, 0x7f73];

type AdminSession =
  | { readonly step: 'none' }
  | { readonly step: 'key-selected' }
  | { readonly step: 'challenge-issued'; readonly challenge: Uint8Array }
  | { readonly step: 'mutual-started'; readonly r1: Uint8Array; readonly r2: Uint8Array }
  | { readonly step: 'authenticated' };

export class GidsCard extends SingleApplicationCard<GidsCardState> {
  readonly atr = t1Atr();
  private admin: AdminSession = { step: 'none' };
  protected readonly instructions = new Map<number, ApduHandler>([
    [0x20, (command) => this.verify(command)],
    [0x22, (command) => this.manageSecurityEnvironment(command)],
    [0x87, (command) => this.generalAuthenticate(command)],
    [0x2c, (command) => this.resetRetryCounter(command)],
    [0xcb, (command) => this.getData(command)],
    [0xdb, (command) => this.putData(command)],
  ]);
  // Malformed TLV inside an otherwise well-formed APDU (GidsApplet answers 6984).
  protected readonly malformedSw = SW.REFERENCE_DATA_NOT_USABLE;

  protected override clearSecurity(): void {
    super.clearSecurity();
    this.admin = { step: 'none' };
  }

  protected select(command: CommandApdu): Uint8Array {
    if (command.p1 === 0x04) {
      const aid = command.data;
      if (aid.length < MIN_AID_PREFIX || !startsWith(GIDS_AID, aid)) return reply(SW.FILE_NOT_FOUND);
      // Selecting the application again deselects it first: security state goes (GidsApplet).
      this.selected = true;
      this.clearSecurity();
      if (command.p2 === 0x0c) return reply(SW.OK);
      if (command.p2 !== 0x00) return reply(SW.WRONG_P1P2);
      return reply(SW.OK, encodeGidsFci(GIDS_AID));
    }
    if (command.p1 === 0x00 && this.selected) {
      const fid = command.data.length === 2 ? ((command.data[0] ?? 0) << 8) | (command.data[1] ?? 0) : -1;
      return reply(fid === GIDS_APPLICATION_FILE ? SW.OK : SW.FILE_NOT_FOUND);
    }
    return reply(SW.FILE_NOT_FOUND);
  }

  private verify(command: CommandApdu): Uint8Array {
    if (command.p1 !== 0x00) return reply(SW.WRONG_P1P2);
    if (command.p2 === GIDS_DEAUTHENTICATE_REFERENCE && command.data.length === 0) {
      this.clearSecurity();
      return reply(SW.OK);
    }
    if (command.p2 !== GIDS_PIN_REFERENCE && command.p2 !== 0x00) return reply(SW.REFERENCE_NOT_FOUND);
    const { state } = this;
    if (state.pinTriesLeft === 0) return reply(SW.AUTH_METHOD_BLOCKED);
    if (command.data.length === 0) return reply(this.pinVerified ? SW.OK : swTriesLeft(state.pinTriesLeft));
    // Out-of-range lengths are refused without spending a try (GidsApplet).
    if (command.data.length < GIDS_PIN_MIN || command.data.length > GIDS_PIN_MAX) {
      return reply(swTriesLeft(state.pinTriesLeft));
    }
    // Count the try before comparing, as cards do, so pulling the card cannot skip the decrement.
    state.pinTriesLeft--;
    this.persist(state);
    if (constantTimeEqual(command.data, new TextEncoder().encode(state.pin))) {
      state.pinTriesLeft = state.pinTryLimit;
      this.persist(state);
      this.pinVerified = true;
      return reply(SW.OK);
    }
    this.pinVerified = false;
    return reply(swTriesLeft(state.pinTriesLeft));
  }

  private manageSecurityEnvironment(command: CommandApdu): Uint8Array {
    if ((command.p1 !== 0x81 && command.p1 !== 0xc1) || command.p2 !== 0xa4) return reply(SW.WRONG_P1P2);
    const keyReference = findTlv(command.data, 0x83);
    if (keyReference?.length !== 1 || keyReference[0] !== GIDS_ADMIN_KEY_REFERENCE) {
      return reply(SW.REFERENCE_NOT_FOUND);
    }
    this.admin = { step: 'key-selected' };
    return reply(SW.OK);
  }

  private adminBlocked(): boolean {
    return this.state.adminTryLimit !== null && this.state.adminTriesLeft === 0;
  }

  private generalAuthenticate(command: CommandApdu): Uint8Array {
    if (command.p1 !== 0x00 || command.p2 !== 0x00) return reply(SW.WRONG_P1P2);
    const items = parseDynamicAuth(command.data);
    if (this.admin.step === 'none') return reply(SW.CONDITIONS_NOT_SATISFIED);
    if (this.adminBlocked()) {
      this.admin = { step: 'none' };
      return reply(SW.AUTH_METHOD_BLOCKED);
    }
    const block = ADMIN_KEY_SPECS[this.state.algorithm].challengeBytes;
    if (items.challenge && items.challenge.length === 0) {
      const challenge = secureRandomBytes(block);
      this.admin = { step: 'challenge-issued', challenge };
      return reply(SW.OK, encodeDynamicAuth({ challenge }));
    }
    if (items.challenge) {
      if (items.challenge.length !== GIDS_MUTUAL_RANDOM_BYTES) return reply(SW.WRONG_DATA);
      const r2 = secureRandomBytes(GIDS_MUTUAL_RANDOM_BYTES);
      this.admin = { step: 'mutual-started', r1: items.challenge, r2 };
      return reply(SW.OK, encodeDynamicAuth({ challenge: r2 }));
    }
    if (items.response) return this.checkAdminResponse(items.response);
    return reply(SW.REFERENCE_DATA_NOT_USABLE);
  }

  private checkAdminResponse(response: Uint8Array): Uint8Array {
    const session = this.admin;
    // Every challenge answers once: whatever happens next, it is gone (a repeated response finds none).
    this.admin = { step: 'none' };
    if (session.step !== 'challenge-issued' && session.step !== 'mutual-started') {
      return reply(SW.CONDITIONS_NOT_SATISFIED);
    }
    const { state } = this;
    const key = fromHex(state.adminKey);
    const counted = state.adminTryLimit !== null;
    if (counted) {
      state.adminTriesLeft--;
      this.persist(state);
    }
    let ok: boolean;
    let answer: Uint8Array = EMPTY;
    if (session.step === 'challenge-issued') {
      ok = constantTimeEqual(response, computeAdminResponse(state.algorithm, key, session.challenge));
    } else {
      const randoms = { r1: session.r1, r2: session.r2 };
      ok = checkGidsHostCryptogram(state.algorithm, key, randoms, response);
      if (ok) answer = encodeDynamicAuth({ response: gidsCardCryptogram(state.algorithm, key, randoms) });
    }
    if (!ok) return reply(counted ? swTriesLeft(state.adminTriesLeft) : SW.SECURITY_NOT_SATISFIED);
    if (counted) {
      state.adminTriesLeft = state.adminTryLimit ?? 0;
      this.persist(state);
    }
    this.admin = { step: 'authenticated' };
    return reply(SW.OK, answer);
  }

  private resetRetryCounter(command: CommandApdu): Uint8Array {
    if (command.p1 !== 0x02) return reply(SW.WRONG_P1P2);
    if (command.p2 !== GIDS_PIN_REFERENCE) return reply(SW.REFERENCE_NOT_FOUND);
    if (this.admin.step !== 'authenticated') return reply(SW.SECURITY_NOT_SATISFIED);
    const pin = command.data;
    if (pin.length < GIDS_PIN_MIN || pin.length > GIDS_PIN_MAX) return reply(SW.WRONG_LENGTH);
    const { state } = this;
    state.pin = new TextDecoder().decode(pin);
    state.pinTriesLeft = state.pinTryLimit;
    this.persist(state);
    // GidsApplet ends the admin session after a successful reset.
    this.admin = { step: 'none' };
    return reply(SW.OK);
  }

  private getData(command: CommandApdu): Uint8Array {
    const file = (command.p1 << 8) | command.p2;
    const tag =
      command.data.length === 4 && command.data[0] === 0x5c ? findTlv(command.data, 0x5c) : undefined;
    if (tag?.length !== 2) return reply(SW.WRONG_DATA);
    const doTag = ((tag[0] ?? 0) << 8) | (tag[1] ?? 0);
    if (file === GIDS_APPLICATION_FILE && PIN_STATUS_OBJECTS.includes(doTag)) {
      const status = { triesLeft: this.state.pinTriesLeft, tryLimit: this.state.pinTryLimit };
      return reply(SW.OK, encodeGidsPinStatus(status, doTag));
    }
    const value = this.state.dataObjects[gidsDataObjectKey(file, doTag)];
    if (value === undefined) return reply(SW.FILE_NOT_FOUND);
    return reply(SW.OK, encodeTlv(doTag, fromHex(value)));
  }

  private putData(command: CommandApdu): Uint8Array {
    const file = (command.p1 << 8) | command.p2;
    const [object] = parseTlvs(command.data);
    if (!object) return reply(SW.WRONG_DATA);
    if (file === GIDS_APPLICATION_FILE && object.tag === 0x70) return this.changeAdminKey(object.value);
    if (file === GIDS_APPLICATION_FILE && object.tag === GIDS_PIN_STATUS_DO)
      return this.setPinPolicy(object.value);
    const key = gidsDataObjectKey(file, object.tag);
    if (!(key in this.state.dataObjects)) return reply(SW.FILE_NOT_FOUND);
    // Files A012 and A014 are admin-written; the others user-written (gids-tool's access conditions).
    const needsAdmin = file === 0xa012 || file === 0xa014;
    const allowed = needsAdmin ? this.admin.step === 'authenticated' : this.pinVerified;
    if (!allowed) return reply(SW.SECURITY_NOT_SATISFIED);
    this.state.dataObjects[key] = toHex(object.value);
    this.persist(this.state);
    return reply(SW.OK);
  }

  /**
   * PUT DATA 3FFF `7F71 { 93 01 <try limit> }` after admin authentication: the card's PIN policy (what
   * issuance writes from the profile's maximum PIN attempts). The tries left start again at the new limit.
   */
  private setPinPolicy(template: Uint8Array): Uint8Array {
    if (this.admin.step !== 'authenticated') return reply(SW.SECURITY_NOT_SATISFIED);
    const limit = findTlv(template, 0x93);
    const value = limit?.length === 1 ? (limit[0] ?? 0) : 0;
    if (value < 1 || value > 15) return reply(SW.WRONG_DATA);
    this.state.pinTryLimit = value;
    this.state.pinTriesLeft = value;
    this.persist(this.state);
    return reply(SW.OK);
  }

  /** PUT DATA 3FFF `70 { 84 01 80, A5 { 87 <key> … } }` after admin authentication (gids-tool --change-admin-key). */
  private changeAdminKey(template: Uint8Array): Uint8Array {
    if (this.admin.step !== 'authenticated') return reply(SW.SECURITY_NOT_SATISFIED);
    const reference = findTlv(template, 0x84);
    const keyTemplate = findTlv(template, 0xa5);
    const key = keyTemplate ? findTlv(keyTemplate, 0x87) : undefined;
    if (reference?.[0] !== GIDS_ADMIN_KEY_REFERENCE || !key) return reply(SW.WRONG_DATA);
    if (key.length !== ADMIN_KEY_SPECS[this.state.algorithm].keyBytes) return reply(SW.WRONG_LENGTH);
    this.state.adminKey = toHex(key);
    this.persist(this.state);
    return reply(SW.OK);
  }
}
