/**
 * Opens the database: PostgreSQL when a URL is given, otherwise the embedded PGlite (PostgreSQL in
 * WebAssembly) under the data directory. Runs the migrations before returning; on PostgreSQL under an
 * advisory lock, so instances starting together migrate once.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/node-postgres';
import { migrate as migratePostgres } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import type { Database } from './database.js';
import * as schema from './schema.js';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));
/** Arbitrary constant naming Cardwarden's migration lock among PostgreSQL advisory locks. */
const MIGRATION_LOCK_ID = 0x63617264;

export interface DatabaseHandle {
  readonly db: Database;
  readonly kind: 'pglite' | 'postgres';
  close(): Promise<void>;
}

/** `dir: undefined` keeps the embedded database in memory (tests). */
export type DatabaseTarget = { kind: 'postgres'; url: string } | { kind: 'pglite'; dir: string | undefined };

export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  return target.kind === 'postgres' ? openPostgres(target.url) : openPglite(target.dir);
}

async function openPglite(dir: string | undefined): Promise<DatabaseHandle> {
  // pg_trgm serves the help desk's "contains" searches (see the search migration).
  const options = { extensions: { pg_trgm } };
  let client: PGlite;
  if (dir === undefined) {
    client = new PGlite(options);
  } else {
    const path = join(dir, 'pglite');
    mkdirSync(path, { recursive: true });
    client = new PGlite(path, options);
  }
  await client.waitReady;
  const db = drizzlePglite({ client, schema });
  await migratePglite(db, { migrationsFolder: MIGRATIONS_FOLDER });
  return {
    // The PGlite driver's result type differs from node-postgres's, the query API does not.
    db: db as unknown as Database,
    kind: 'pglite',
    close: () => client.close(),
  };
}

async function openPostgres(url: string): Promise<DatabaseHandle> {
  const pool = new pg.Pool({ connectionString: url, max: 10, application_name: 'cardwarden' });
  // An idle client losing its connection must not crash the server; the pool replaces it.
  pool.on('error', () => undefined);
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    try {
      await migratePostgres(drizzlePostgres({ client, schema }), { migrationsFolder: MIGRATIONS_FOLDER });
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
    }
  } finally {
    client.release();
  }
  const db = drizzlePostgres({ client: pool, schema });
  return { db: db as unknown as Database, kind: 'postgres', close: () => pool.end() };
}
