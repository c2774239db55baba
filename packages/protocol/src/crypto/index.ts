/** The only module that imports `node:crypto`. Keys come in as arguments; nothing here reads configuration. */
export * from './admin-key.js';
export * from './seal.js';
export * from './digest.js';
export * from './cbc.js';
export * from './gids-mutual-auth.js';
export * from './cmac.js';
export * from './kbkdf.js';
