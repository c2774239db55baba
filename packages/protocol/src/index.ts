/** Browser-safe protocol code. Crypto lives behind `@cardwarden/protocol/crypto`. */
export * from './hex.js';
export * from './admin-key-algorithm.js';
export * from './challenge.js';
export * from './read-back.js';
export type * from './card-transport.js';
