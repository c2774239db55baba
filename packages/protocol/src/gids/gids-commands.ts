/**
 * Command APDUs of the GIDS card application (GIDS spec v2; the formats OpenSC's card-gids.c and
 * gids-tool send; docs: ../shared/reference/card-protocols.md §2).
 */
import { encodeCommandApdu } from '../apdu/command-apdu.js';
import { encodeDynamicAuth, type DynamicAuthData } from '../apdu/dynamic-authentication.js';

/** The AID prefix OpenSC selects (§2.1); cards answer a SELECT of any prefix of their full AID. */
export const GIDS_AID_PREFIX = Uint8Array.of(0xa0, 0x00, 0x00, 0x03, 0x97, 0x42, 0x54, 0x46, 0x59);
/** GidsApplet's full AID: the prefix, version 02, 01. */
export const GIDS_AID = Uint8Array.of(...GIDS_AID_PREFIX, 0x02, 0x01);
/** Key reference of the card administrator key (§2.2). */
export const GIDS_ADMIN_KEY_REFERENCE = 0x80;
/** Key reference of the user PIN. */
export const GIDS_PIN_REFERENCE = 0x80;
/** VERIFY P2 that deauthenticates PIN and admin (§2.5). */
export const GIDS_DEAUTHENTICATE_REFERENCE = 0x82;
/** The GIDS application's own file, which holds the PIN status data objects. */
export const GIDS_APPLICATION_FILE = 0x3fff;
/** Data object with the PIN's tries left and try limit (§2.5). */
export const GIDS_PIN_STATUS_DO = 0x7f71;

/** MSE SET P1 values: GidsApplet accepts either for both external and mutual authentication (§2.4). */
export const MSE_EXTERNAL_AUTH = 0x81;
export const MSE_MUTUAL_AUTH = 0xc1;

/** SELECT the GIDS application by AID; with `fci` the card answers its FCI template (P2 00), else nothing (P2 0C). */
export function gidsSelect(options: { fci: boolean; aid?: Uint8Array } = { fci: true }): Uint8Array {
  const aid = options.aid ?? GIDS_AID_PREFIX;
  return options.fci
    ? encodeCommandApdu({ cla: 0, ins: 0xa4, p1: 0x04, p2: 0x00, data: aid, le: 256 })
    : encodeCommandApdu({ cla: 0, ins: 0xa4, p1: 0x04, p2: 0x0c, data: aid });
}

/** MANAGE SECURITY ENVIRONMENT SET for authentication with the admin key: `00 22 P1 A4 03 83 01 80`. */
export function gidsMseSetAdminKey(p1: number = MSE_EXTERNAL_AUTH): Uint8Array {
  return encodeCommandApdu({
    cla: 0,
    ins: 0x22,
    p1,
    p2: 0xa4,
    data: Uint8Array.of(0x83, 0x01, GIDS_ADMIN_KEY_REFERENCE),
  });
}

/**
 * GENERAL AUTHENTICATE `00 87 00 00` with a dynamic authentication template: every step of external
 * and mutual authentication (§2.3, §2.4) is one; `le` when the card answers with data.
 */
function gidsGeneralAuthenticate(items: DynamicAuthData, le?: number): Uint8Array {
  return encodeCommandApdu({
    cla: 0,
    ins: 0x87,
    p1: 0,
    p2: 0,
    data: encodeDynamicAuth(items),
    ...(le === undefined ? {} : { le }),
  });
}

/** GENERAL AUTHENTICATE asking for the card's single-use challenge: `00 87 00 00 04 7C 02 81 00 00`. */
export function gidsRequestChallenge(): Uint8Array {
  return gidsGeneralAuthenticate({ challenge: new Uint8Array() }, 256);
}

/** GENERAL AUTHENTICATE with the response to the card's challenge (external authentication, §2.3). */
export function gidsExternalResponse(response: Uint8Array): Uint8Array {
  return gidsGeneralAuthenticate({ response });
}

/** Mutual authentication step 1: the host's 16-byte random R1 under tag 81 (§2.4). */
export function gidsMutualHostChallenge(r1: Uint8Array): Uint8Array {
  return gidsGeneralAuthenticate({ challenge: r1 }, 256);
}

/** Mutual authentication step 2: the host cryptogram E_K(R2 ‖ R1 ‖ Z1) under tag 82 (§2.4). */
export function gidsMutualHostCryptogram(cryptogram: Uint8Array): Uint8Array {
  return gidsGeneralAuthenticate({ response: cryptogram }, 256);
}

/** RESET RETRY COUNTER with a new PIN and no PUK (P1 02), allowed after admin authentication (§2.5). */
export function gidsResetRetryCounter(newPin: Uint8Array): Uint8Array {
  return encodeCommandApdu({ cla: 0, ins: 0x2c, p1: 0x02, p2: GIDS_PIN_REFERENCE, data: newPin });
}

/** VERIFY the user PIN; with no PIN, asks only for its state. */
export function gidsVerifyPin(pin?: Uint8Array): Uint8Array {
  return encodeCommandApdu({
    cla: 0,
    ins: 0x20,
    p1: 0,
    p2: GIDS_PIN_REFERENCE,
    data: pin ?? new Uint8Array(),
  });
}

/** VERIFY P2 82 with no data: clears PIN and admin authentication (OpenSC's logout). */
export function gidsDeauthenticate(): Uint8Array {
  return encodeCommandApdu({
    cla: 0,
    ins: 0x20,
    p1: 0,
    p2: GIDS_DEAUTHENTICATE_REFERENCE,
    data: new Uint8Array(),
  });
}

/** GET DATA of data object `doTag` in file `fileId`: `00 CB <file> 04 5C 02 <DO> 00` (§2.3a). */
export function gidsGetData(fileId: number, doTag: number): Uint8Array {
  return encodeCommandApdu({
    cla: 0,
    ins: 0xcb,
    p1: fileId >> 8,
    p2: fileId & 0xff,
    data: Uint8Array.of(0x5c, 0x02, doTag >> 8, doTag & 0xff),
    le: 256,
  });
}

/** The fixed tag 88 OpenSC sends with every admin key (the default key's KCV; GidsApplet ignores it). */
const OPENSC_KEY_TAG_88 = Uint8Array.of(0x88, 0x03, 0xb0, 0x73, 0xdc);

/**
 * PUT DATA of a new admin key, byte for byte as `gids-tool --change-admin-key` sends it (§2.2):
 * `00 DB 3F FF Lc 70 { 84 01 80, A5 { 87 <key>, 88 03 B0 73 DC } }`. Needs admin authentication first.
 */
export function gidsPutAdminKey(key: Uint8Array): Uint8Array {
  const template = Uint8Array.from([
    0x84,
    0x01,
    GIDS_ADMIN_KEY_REFERENCE,
    0xa5,
    2 + key.length + OPENSC_KEY_TAG_88.length,
    0x87,
    key.length,
    ...key,
    ...OPENSC_KEY_TAG_88,
  ]);
  return encodeCommandApdu({
    cla: 0,
    ins: 0xdb,
    p1: 0x3f,
    p2: 0xff,
    data: Uint8Array.from([0x70, template.length, ...template]),
  });
}

/**
 * PUT DATA of the PIN policy into the PIN status object: `00 DB 3F FF Lc 7F71 03 93 01 <try limit>` (tag 93
 * as the card reports it in GET DATA 7F71). Needs admin authentication first; the tries left become the
 * new limit. Issuance writes the profile's maximum PIN attempts this way.
 */
export function gidsPutPinTryLimit(tryLimit: number): Uint8Array {
  if (!Number.isInteger(tryLimit) || tryLimit < 1 || tryLimit > 15) {
    throw new RangeError(`a PIN try limit is 1 to 15, got ${tryLimit}`);
  }
  return encodeCommandApdu({
    cla: 0,
    ins: 0xdb,
    p1: GIDS_APPLICATION_FILE >> 8,
    p2: GIDS_APPLICATION_FILE & 0xff,
    data: Uint8Array.of(0x7f, 0x71, 0x03, 0x93, 0x01, tryLimit),
  });
}
