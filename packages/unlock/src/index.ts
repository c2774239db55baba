/** The unlock tool's building blocks, for tests and for embedding. */
export * from './card-access.js';
export * from './exit-codes.js';
export * from './unlock-failure.js';
export * from './pin-rules.js';
export * from './response-input.js';
export * from './reader-choice.js';
export * from './card/identify-card.js';
export * from './card/gids-offline-unblock.js';
export * from './card/piv-puk-unblock.js';
export * from './online/server-address.js';
export * from './online/online-unlock-client.js';
export * from './online/server-refusal.js';
export * from './online/connection-failure.js';
export { main, type CliDependencies } from './cli.js';
