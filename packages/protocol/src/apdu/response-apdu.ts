/** Response APDUs: data followed by the status word SW1 SW2 (ISO/IEC 7816-4 §5.1). */
import { ApduFormatError } from './command-apdu.js';

/** A decoded response APDU. */
export interface ResponseApdu {
  readonly data: Uint8Array;
  /** SW1 SW2 as one number, e.g. 0x9000. */
  readonly sw: number;
}

/** Encodes `data` followed by the status word. */
export function encodeResponseApdu(data: Uint8Array, sw: number): Uint8Array {
  const out = new Uint8Array(data.length + 2);
  out.set(data);
  out[data.length] = (sw >> 8) & 0xff;
  out[data.length + 1] = sw & 0xff;
  return out;
}

/**
 * Splits a response APDU into data and status word.
 * @throws ApduFormatError when it is shorter than the two status bytes.
 */
export function parseResponseApdu(bytes: Uint8Array): ResponseApdu {
  if (bytes.length < 2)
    throw new ApduFormatError(`response APDU was ${bytes.length} bytes, at least 2 expected`);
  const sw = ((bytes[bytes.length - 2] ?? 0) << 8) | (bytes[bytes.length - 1] ?? 0);
  return { data: bytes.slice(0, -2), sw };
}
