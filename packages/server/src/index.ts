/**
 * The server as a library, for the end-to-end suites (`@cardwarden/integration-tests`) that start it in
 * process on a database of their own. Running the server needs none of it (`main.ts`, `cli.ts`).
 */
export { startServer, type RunningServer } from './server.js';
export { openDatabase, type DatabaseTarget } from './db/connect.js';
export type { Database } from './db/database.js';
export type { Config, SsoConfig } from './config.js';
export { DEFAULT_ANONYMOUS_ADMISSION } from './http/anonymous-admission.js';
/** The audit table: each test server reads back what its test wrote and checks it against the contract. */
export { auditEvents } from './db/schema.js';
