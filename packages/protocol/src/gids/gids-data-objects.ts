/** Data the GIDS card returns: its SELECT answer (FCI) and the PIN status object (reference §2.1, §2.5). */
import { GIDS_PIN_STATUS_DO } from './gids-commands.js';
import { encodeConstructed, encodeTlv, findTlv, parseTlvs, TlvFormatError } from '../apdu/tlv.js';

/** The GIDS version an AID names (byte 10: 01 or 02), or 'generic' as OpenSC calls others. */
export type GidsVersion = 'v1' | 'v2' | 'generic';

/** What OpenSC reads from the SELECT answer. */
export interface GidsFci {
  readonly aid: Uint8Array | undefined;
  readonly version: GidsVersion;
}

/**
 * The SELECT answer of the reference applet: `61 { 4F <AID>, 73 { 40 01 <protocols> } }`. Tag 40 lists the
 * supported authentication protocols; Windows 10 needs it to allow the 8-byte external authentication.
 */
export function encodeGidsFci(aid: Uint8Array, authProtocols = 0xc0): Uint8Array {
  return encodeConstructed(0x61, [
    encodeTlv(0x4f, aid),
    encodeConstructed(0x73, [encodeTlv(0x40, Uint8Array.of(authProtocols))]),
  ]);
}

/** Reads the AID from a SELECT answer; an AID over 10 bytes ending `…59 01` or `…59 02` names v1 or v2. */
export function parseGidsFci(data: Uint8Array): GidsFci {
  let aid: Uint8Array | undefined;
  try {
    const template = findTlv(data, 0x61);
    aid = template ? findTlv(template, 0x4f) : undefined;
  } catch {
    aid = undefined;
  }
  const versionByte = aid && aid.length > 10 ? aid[9] : undefined;
  const version: GidsVersion = versionByte === 1 ? 'v1' : versionByte === 2 ? 'v2' : 'generic';
  return { aid, version };
}

/** PIN tries left and the try limit. */
export interface PinStatus {
  readonly triesLeft: number;
  readonly tryLimit: number | undefined;
}

/** `7F71 06 97 01 <tries left> 93 01 <limit>`, the answer to GET DATA 3FFF/7F71. */
export function encodeGidsPinStatus(
  status: { triesLeft: number; tryLimit: number },
  doTag = GIDS_PIN_STATUS_DO,
): Uint8Array {
  return encodeConstructed(doTag, [
    encodeTlv(0x97, Uint8Array.of(status.triesLeft)),
    encodeTlv(0x93, Uint8Array.of(status.tryLimit)),
  ]);
}

/**
 * Reads a PIN status object. Tries left are under 97 (or 9F17, which OpenSC also accepts).
 * @throws TlvFormatError when the object or the tries-left item is missing.
 */
export function parseGidsPinStatus(data: Uint8Array, doTag = GIDS_PIN_STATUS_DO): PinStatus {
  const object = parseTlvs(data).find((tlv) => tlv.tag === doTag);
  if (!object) throw new TlvFormatError(`PIN status object ${doTag.toString(16)} missing`);
  const items = parseTlvs(object.value);
  const tries = items.find((tlv) => tlv.tag === 0x97 || tlv.tag === 0x9f17)?.value[0];
  const limit = items.find((tlv) => tlv.tag === 0x93)?.value[0];
  if (tries === undefined) throw new TlvFormatError('PIN status has no tries-left item (97)');
  return { triesLeft: tries, tryLimit: limit };
}
