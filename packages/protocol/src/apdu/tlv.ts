/**
 * BER-TLV data objects as smart cards use them (ISO/IEC 7816-4 §5.2, encoding per ISO/IEC 8825-1):
 * tags of one to three bytes, lengths in one byte or `81 xx` / `82 xx xx`.
 */
import { concatBytes } from './bytes.js';

/** One data object: its tag as a number (e.g. 0x7F71) and its value bytes. */
export interface Tlv {
  readonly tag: number;
  readonly value: Uint8Array;
}

/** Malformed BER-TLV. */
export class TlvFormatError extends Error {
  override readonly name = 'TlvFormatError';
}

function encodeTag(tag: number): number[] {
  if (!Number.isInteger(tag) || tag < 0 || tag > 0xffffff) throw new RangeError(`bad tag ${tag}`);
  if (tag > 0xffff) return [tag >> 16, (tag >> 8) & 0xff, tag & 0xff];
  if (tag > 0xff) return [tag >> 8, tag & 0xff];
  return [tag];
}

function encodeLength(length: number): number[] {
  if (length < 0x80) return [length];
  if (length <= 0xff) return [0x81, length];
  if (length <= 0xffff) return [0x82, length >> 8, length & 0xff];
  throw new RangeError(`TLV value of ${length} bytes is too long`);
}

/**
 * Encodes one data object.
 * @example encodeTlv(0x81, new Uint8Array()) // 81 00
 */
export function encodeTlv(tag: number, value: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.from([...encodeTag(tag), ...encodeLength(value.length)]), value);
}

/** Encodes a constructed data object holding `children` in order. */
export function encodeConstructed(tag: number, children: readonly Uint8Array[]): Uint8Array {
  return encodeTlv(tag, concatBytes(...children));
}

/**
 * Decodes a sequence of data objects, one level deep. Padding bytes 00 and FF between objects are
 * skipped, as ISO 7816-4 §5.2 allows.
 * @throws TlvFormatError when a tag or length runs past the end.
 */
export function parseTlvs(bytes: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  let i = 0;
  const next = (what: string): number => {
    const byte = bytes[i++];
    if (byte === undefined) throw new TlvFormatError(`TLV ends inside a ${what} at byte ${i}`);
    return byte;
  };
  while (i < bytes.length) {
    let tag = next('tag');
    if (tag === 0x00 || tag === 0xff) continue;
    if ((tag & 0x1f) === 0x1f) {
      let more: number;
      do {
        more = next('tag');
        tag = (tag << 8) | more;
      } while (more & 0x80);
    }
    let length = next('length');
    if (length === 0x81) length = next('length');
    else if (length === 0x82) length = (next('length') << 8) | next('length');
    else if (length > 0x80) throw new TlvFormatError(`unsupported TLV length byte ${length.toString(16)}`);
    if (i + length > bytes.length) {
      throw new TlvFormatError(`TLV ${tag.toString(16)} claims ${length} bytes, ${bytes.length - i} left`);
    }
    out.push({ tag, value: bytes.slice(i, i + length) });
    i += length;
  }
  return out;
}

/** The value of the first data object with `tag` at the top level of `bytes`, or undefined. */
export function findTlv(bytes: Uint8Array, tag: number): Uint8Array | undefined {
  return parseTlvs(bytes).find((tlv) => tlv.tag === tag)?.value;
}
