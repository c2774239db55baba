/**
 * The dynamic authentication template `7C` of GENERAL AUTHENTICATE (ISO/IEC 7816-4 §7.5.2; PIV
 * SP 800-73-4 part 2 §3.2.4): `80` witness, `81` challenge, `82` response. An empty object asks the
 * card for that item.
 */
import { encodeConstructed, encodeTlv, parseTlvs, TlvFormatError } from './tlv.js';

export const DYNAMIC_AUTH_TAG = 0x7c;
export const WITNESS_TAG = 0x80;
export const CHALLENGE_TAG = 0x81;
export const RESPONSE_TAG = 0x82;

/** The items of one template. An empty Uint8Array means "requested" (sent with length 0). */
export interface DynamicAuthData {
  readonly witness?: Uint8Array;
  readonly challenge?: Uint8Array;
  readonly response?: Uint8Array;
}

/**
 * Encodes `7C { 80 …, 81 …, 82 … }`, items in that order, leaving out absent ones.
 * @example encodeDynamicAuth({ challenge: new Uint8Array() }) // 7C 02 81 00
 */
export function encodeDynamicAuth(items: DynamicAuthData): Uint8Array {
  const children: Uint8Array[] = [];
  if (items.witness) children.push(encodeTlv(WITNESS_TAG, items.witness));
  if (items.challenge) children.push(encodeTlv(CHALLENGE_TAG, items.challenge));
  if (items.response) children.push(encodeTlv(RESPONSE_TAG, items.response));
  return encodeConstructed(DYNAMIC_AUTH_TAG, children);
}

/**
 * Decodes a `7C` template.
 * @throws TlvFormatError when the data is not one `7C` object or holds an item twice.
 */
export function parseDynamicAuth(bytes: Uint8Array): DynamicAuthData {
  const outer = parseTlvs(bytes);
  const template = outer[0];
  if (outer.length !== 1 || template?.tag !== DYNAMIC_AUTH_TAG) {
    throw new TlvFormatError('expected one dynamic authentication template (tag 7C)');
  }
  const items: { witness?: Uint8Array; challenge?: Uint8Array; response?: Uint8Array } = {};
  for (const { tag, value } of parseTlvs(template.value)) {
    const name =
      tag === WITNESS_TAG
        ? 'witness'
        : tag === CHALLENGE_TAG
          ? 'challenge'
          : tag === RESPONSE_TAG
            ? 'response'
            : null;
    if (name === null) throw new TlvFormatError(`unexpected tag ${tag.toString(16)} in 7C template`);
    if (items[name]) throw new TlvFormatError(`tag ${tag.toString(16)} appears twice in 7C template`);
    items[name] = value;
  }
  return items;
}
