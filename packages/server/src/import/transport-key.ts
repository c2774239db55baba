/**
 * Transport keys for importing wrapped admin keys: the file holds each key wrapped under an AES key
 * (AES Key Wrap, RFC 3394, or with padding, RFC 5649), and the transport key reaches the server apart
 * from the file (a request header the CLI fills from a file). So the file alone, mailed or left on a
 * share, gives nobody the keys.
 */
import { createDecipheriv } from 'node:crypto';
import { fromHex } from '@cardwarden/protocol/hex';

export interface TransportKey {
  readonly bytes: Uint8Array;
}

const RFC3394_IV = Buffer.from('A6A6A6A6A6A6A6A6', 'hex');
const RFC5649_IV = Buffer.from('A65959A6', 'hex');

/** The transport key from hex, or why it is not one (never echoing it). */
export function parseTransportKey(text: string): TransportKey | string {
  const digits = text.replace(/[\s:-]/g, '');
  if (!/^[0-9a-fA-F]*$/.test(digits)) return 'the transport key must be hex digits (0-9, A-F)';
  if (![32, 48, 64].includes(digits.length))
    return `the transport key is an AES key of 32, 48 or 64 hex digits; this one has ${String(digits.length)}`;
  return { bytes: fromHex(digits) };
}

function unwrapWith(cipher: string, kek: Uint8Array, iv: Buffer, wrapped: Buffer): Uint8Array | undefined {
  try {
    const decipher = createDecipheriv(cipher, kek, iv);
    return new Uint8Array(Buffer.concat([decipher.update(wrapped), decipher.final()]));
  } catch {
    return undefined;
  }
}

/** The unwrapped key, or what is wrong with the wrapped value (never echoing it). */
export function unwrapTransportKey(transportKey: TransportKey, text: string): Uint8Array | string {
  const digits = text.replace(/[\s:-]/g, '');
  if (!/^[0-9a-fA-F]*$/.test(digits) || digits.length % 2 !== 0)
    return 'the wrapped key must be hex digits (0-9, A-F), an even number of them';
  const wrapped = Buffer.from(digits, 'hex');
  if (wrapped.length < 16 || wrapped.length % 8 !== 0)
    return `a wrapped key is a multiple of 8 bytes, at least 16; this one has ${String(wrapped.length)} bytes`;
  const bits = transportKey.bytes.length * 8;
  const key =
    unwrapWith(`id-aes${String(bits)}-wrap`, transportKey.bytes, RFC3394_IV, wrapped) ??
    unwrapWith(`id-aes${String(bits)}-wrap-pad`, transportKey.bytes, RFC5649_IV, wrapped);
  wrapped.fill(0);
  return (
    key ??
    'the wrapped key does not unwrap under the transport key (integrity check failed): check that you sent the right transport key and that the value was not cut or changed'
  );
}
