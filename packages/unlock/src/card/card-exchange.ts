/** Sends one command APDU and splits the answer; a T=0 card's 61xx and 6Cxx are followed (see exchangeApdu). */
import { exchangeApdu, type CardTransport, type ResponseApdu } from '@cardwarden/protocol/apdu';

export function exchange(transport: CardTransport, command: Uint8Array): Promise<ResponseApdu> {
  return exchangeApdu(transport, command);
}
