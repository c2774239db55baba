/** Browser-safe protocol code. Crypto lives behind `@cardwarden/protocol/crypto`. */
export * from './hex.js';
export * from './admin-key-algorithm.js';
export * from './challenge.js';
export * from './read-back.js';
export type * from './card-transport.js';
export * from './apdu/bytes.js';
export * from './apdu/command-apdu.js';
export * from './apdu/response-apdu.js';
export * from './apdu/status-word.js';
export * from './apdu/tlv.js';
export * from './apdu/dynamic-authentication.js';
export * from './apdu/gids-commands.js';
export * from './apdu/gids-data-objects.js';
export * from './apdu/gids-masterfile.js';
export * from './apdu/piv-commands.js';
export * from './apdu/piv-data-objects.js';
export * from './apdu/transport-errors.js';
export * from './apdu/exchange.js';
