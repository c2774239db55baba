/**
 * Command APDUs of the PIV card application (NIST SP 800-73-4 part 2) and the Yubico extensions that
 * yubico-piv-tool sends (reference §3).
 */
import type { AdminKeyAlgorithm } from '../admin-key-algorithm.js';
import { asciiBytes, concatBytes } from '../apdu/bytes.js';
import { encodeCommandApdu } from '../apdu/command-apdu.js';
import { encodeDynamicAuth, type DynamicAuthData } from '../apdu/dynamic-authentication.js';

/** The full PIV AID (SP 800-73-4 part 1 §2.2); clients select prefixes of it. */
export const PIV_AID = Uint8Array.of(0xa0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00);
/** Key references: PIN, PUK and the card application administration ("management") key. */
export const PIV_PIN_REFERENCE = 0x80;
export const PIV_PUK_REFERENCE = 0x81;
export const PIV_MANAGEMENT_KEY_REFERENCE = 0x9b;

/** Algorithm identifiers (SP 800-78-4 table 6-2) for the management key. */
export const PIV_ALGORITHM_IDS: Readonly<Record<AdminKeyAlgorithm, number>> = {
  '3des': 0x03,
  aes128: 0x08,
  aes192: 0x0a,
  aes256: 0x0c,
};

/** The algorithm a GENERAL AUTHENTICATE P1 names; OpenSC also sends 00 and 01 for 3DES (reference §3.2). */
export function pivAlgorithmFromId(id: number): AdminKeyAlgorithm | undefined {
  if (id === 0x00 || id === 0x01) return '3des';
  const entry = Object.entries(PIV_ALGORITHM_IDS).find(([, value]) => value === id);
  return entry?.[0] as AdminKeyAlgorithm | undefined;
}

/**
 * A PIN or PUK as PIV sends it: ASCII, padded with FF to 8 bytes (SP 800-73-4 part 2 §2.4.3).
 * @throws RangeError when longer than 8 characters or not printable ASCII.
 */
export function padPivPin(text: string): Uint8Array {
  if (text.length > 8) throw new RangeError(`PIV PINs and PUKs are at most 8 characters, got ${text.length}`);
  const out = new Uint8Array(8).fill(0xff);
  out.set(asciiBytes(text));
  return out;
}

/** SELECT the PIV application by AID prefix (what OpenSC sends: 9 bytes and Le). */
export function pivSelect(aid: Uint8Array = PIV_AID.slice(0, 9)): Uint8Array {
  return encodeCommandApdu({ cla: 0, ins: 0xa4, p1: 0x04, p2: 0x00, data: aid, le: 256 });
}

/** VERIFY `reference` with a PIN; with none, asks for its state (`90 00`, `63 Cx`, `69 83`). */
export function pivVerify(pin?: string, reference = PIV_PIN_REFERENCE): Uint8Array {
  const data = pin === undefined ? new Uint8Array() : padPivPin(pin);
  return encodeCommandApdu({ cla: 0, ins: 0x20, p1: 0, p2: reference, data });
}

/** A command whose data is two secrets, each padded to 8 bytes: the one that proves, then the new one. */
function pivSecretPair(ins: number, reference: number, proof: string, next: string): Uint8Array {
  return encodeCommandApdu({
    cla: 0,
    ins,
    p1: 0,
    p2: reference,
    data: concatBytes(padPivPin(proof), padPivPin(next)),
  });
}

/** CHANGE REFERENCE DATA of the PIN (80) or PUK (81): old and new, each padded to 8 bytes. */
export function pivChangeReferenceData(reference: number, current: string, next: string): Uint8Array {
  return pivSecretPair(0x24, reference, current, next);
}

/** RESET RETRY COUNTER: unblock the PIN with the PUK, setting a new PIN (reference §3.3). */
export function pivResetRetryCounter(puk: string, newPin: string): Uint8Array {
  return pivSecretPair(0x2c, PIV_PIN_REFERENCE, puk, newPin);
}

/** GENERAL AUTHENTICATE with the management key, P1 = algorithm, P2 = 9B. */
export function pivGeneralAuthenticate(algorithm: AdminKeyAlgorithm, items: DynamicAuthData): Uint8Array {
  return encodeCommandApdu({
    cla: 0,
    ins: 0x87,
    p1: PIV_ALGORITHM_IDS[algorithm],
    p2: PIV_MANAGEMENT_KEY_REFERENCE,
    data: encodeDynamicAuth(items),
    le: 256,
  });
}

/** Yubico GET VERSION (`00 FD 00 00`): three bytes, major minor patch. */
export function yubicoGetVersion(): Uint8Array {
  return encodeCommandApdu({ cla: 0, ins: 0xfd, p1: 0, p2: 0, data: new Uint8Array(), le: 256 });
}

/** Yubico GET SERIAL (`00 F8 00 00`): four bytes, big-endian. */
export function yubicoGetSerial(): Uint8Array {
  return encodeCommandApdu({ cla: 0, ins: 0xf8, p1: 0, p2: 0, data: new Uint8Array(), le: 256 });
}
