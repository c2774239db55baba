/** The REST API contract: schemas and error codes shared by the server, the web portals and the tools. */
export * from './error-codes.js';
export * from './schemas/common.js';
export * from './schemas/auth.js';
export * from './schemas/operators.js';
export * from './schemas/users.js';
export * from './schemas/profiles.js';
export * from './schemas/cards.js';
export * from './schemas/offline-unblocks.js';
export * from './schemas/audit.js';
export * from './schemas/self-service.js';
export * from './schemas/security-questions.js';
export * from './schemas/online-unlock.js';
export * from './schemas/settings.js';
export * from './schemas/directory.js';
export * from './schemas/imports.js';
