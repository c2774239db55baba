/** Data the PIV card returns on SELECT: the Application Property Template (SP 800-73-4 part 2 §3.1.1). */
import { encodeConstructed, encodeTlv } from '../apdu/tlv.js';

/**
 * `61 { 4F <PIX 00 00 10 00 01 00>, 79 { 4F A0 00 00 03 08 } }`, as a YubiKey returns it; accepted by
 * OpenSC 0.23 and yubico-piv-tool 2.2.0 (reference §3.1).
 */
export function encodePivApplicationPropertyTemplate(): Uint8Array {
  return encodeConstructed(0x61, [
    encodeTlv(0x4f, Uint8Array.of(0x00, 0x00, 0x10, 0x00, 0x01, 0x00)),
    encodeConstructed(0x79, [encodeTlv(0x4f, Uint8Array.of(0xa0, 0x00, 0x00, 0x03, 0x08))]),
  ]);
}
