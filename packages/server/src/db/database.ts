import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type * as schema from './schema.js';

/**
 * The database, or a transaction on it: both drivers (PGlite, node-postgres) give this same query API.
 * Repositories take it as their first argument so that the caller owns the transaction.
 */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

/**
 * Whether `db` is the embedded database: one connection (nobody else can be waiting on a lock), and
 * every statement runs on the process's own event loop.
 */
export function isEmbedded(db: Database): boolean {
  return '$client' in db && db.$client instanceof PGlite;
}
