/** Sends one command APDU and splits the answer. */
import { parseResponseApdu, type CardTransport, type ResponseApdu } from '@cardwarden/protocol';

export async function exchange(transport: CardTransport, command: Uint8Array): Promise<ResponseApdu> {
  return parseResponseApdu(await transport.transmit(command));
}
