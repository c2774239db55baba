/**
 * One APDU exchange as ISO 7816-4 §5.3.4 lets a card answer over T=0: `61 xx` means "xx more bytes are
 * waiting, fetch them with GET RESPONSE", and `6C xx` means "wrong Le, send the same command again with
 * Le = xx". Cards behind T=1 readers answer directly; this turns both forms into one complete answer.
 */
import type { CardTransport } from './card-transport.js';
import { concatBytes } from './bytes.js';
import { encodeCommandApdu, parseCommandApdu } from './command-apdu.js';
import { parseResponseApdu, type ResponseApdu } from './response-apdu.js';

/** GET RESPONSE rounds before giving up: 256 bytes each, far more than any answer of ours. */
const MAX_GET_RESPONSE = 64;

/** GET RESPONSE for `length` bytes (00 = 256): `00 C0 00 00 Le`. */
export function getResponseCommand(length: number): Uint8Array {
  return Uint8Array.of(0x00, 0xc0, 0x00, 0x00, length & 0xff);
}

/** The same command with Le set to `length` (00 = 256), for a `6C xx` answer. */
function withLe(command: Uint8Array, length: number): Uint8Array {
  const parsed = parseCommandApdu(command);
  return encodeCommandApdu({ ...parsed, le: length === 0 ? 256 : length });
}

/**
 * Sends `command` and returns the whole answer, following `6C xx` (once) and `61 xx` (GET RESPONSE until
 * the card has no more). The final status word is the card's last one.
 */
export async function exchangeApdu(transport: CardTransport, command: Uint8Array): Promise<ResponseApdu> {
  let answer = parseResponseApdu(await transport.transmit(command));
  if (answer.sw >> 8 === 0x6c) {
    answer = parseResponseApdu(await transport.transmit(withLe(command, answer.sw & 0xff)));
  }
  const parts: Uint8Array[] = [answer.data];
  for (let round = 0; answer.sw >> 8 === 0x61; round++) {
    if (round === MAX_GET_RESPONSE) break;
    answer = parseResponseApdu(await transport.transmit(getResponseCommand(answer.sw & 0xff)));
    parts.push(answer.data);
  }
  return { data: concatBytes(...parts), sw: answer.sw };
}
