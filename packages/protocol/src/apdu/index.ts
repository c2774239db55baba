/**
 * `@cardwarden/protocol/apdu`: ISO/IEC 7816-4 framing shared by every card application: command and response
 * APDUs, status words, BER-TLV, the dynamic-authentication template, and `exchangeApdu` (GET RESPONSE on
 * `61xx`, resend with Le on `6Cxx`) over a `CardTransport`. Card readers only: not for the web app.
 *
 * @example
 * import { exchangeApdu, formatSw, SW } from '@cardwarden/protocol/apdu';
 * const answer = await exchangeApdu(transport, command);
 * if (answer.sw !== SW.OK) throw new Error(formatSw(answer.sw));
 */
export type * from './card-transport.js';
export * from './bytes.js';
export * from './command-apdu.js';
export * from './response-apdu.js';
export * from './status-word.js';
export * from './tlv.js';
export * from './dynamic-authentication.js';
export * from './transport-errors.js';
export * from './exchange.js';
