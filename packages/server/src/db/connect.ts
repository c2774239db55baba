/**
 * Opens the database: PostgreSQL when a URL is given, otherwise the embedded PGlite (PostgreSQL in
 * WebAssembly) under the data directory. Runs the migrations before returning; on PostgreSQL under an
 * advisory lock, so instances starting together migrate once.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/node-postgres';
import { migrate as migratePostgres } from 'drizzle-orm/node-postgres/migrator';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import pg from 'pg';
import type { Database } from './database.js';
import { trackPgliteTransactions } from './pglite-statements.js';
import { takeTurnsBetweenStatements } from './pglite-turns.js';
import { preparePrivateDir, restrictTree } from './private-files.js';
import { createEmbeddedDatabaseApart } from './embedded-database-creation.js';
import { currentStatementTimeoutMs, withStatementTimeout } from './query-budget.js';
import * as schema from './schema.js';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));
/** Arbitrary constant naming Cardwarden's migration lock among PostgreSQL advisory locks. */
const MIGRATION_LOCK_ID = 0x63617264;

export interface DatabaseHandle {
  readonly db: Database;
  readonly kind: 'pglite' | 'postgres';
  /** The connection pool's use (PostgreSQL); undefined for the embedded database's one connection. */
  poolStats(): { total: number; idle: number; waiting: number } | undefined;
  close(): Promise<void>;
}

/**
 * `dir` is the data directory (the database goes in `dir/pglite`); `undefined` keeps it in memory (tests).
 * `notice` hears, on a first start, that the embedded database is being created and how long it took.
 */
export type DatabaseTarget =
  | { kind: 'postgres'; url: string; timeouts?: PostgresTimeouts }
  | { kind: 'pglite'; dir: string | undefined; notice?: (line: string) => void };

export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  return target.kind === 'postgres'
    ? openPostgres(target.url, target.timeouts ?? DEFAULT_TIMEOUTS)
    : openPglite(target.dir, target.notice);
}

/** The embedded database under `dir/pglite`, created and migrated, closed again (also the child's work). */
export async function createPgliteClient(dir: string | undefined): Promise<{ client: PGlite; db: Database }> {
  // pg_trgm serves the help desk's "contains" searches (see the search migration).
  const options = { extensions: { pg_trgm } };
  let client: PGlite;
  if (dir === undefined) {
    client = new PGlite(options);
  } else {
    preparePrivateDir(dir);
    const path = join(dir, 'pglite');
    preparePrivateDir(path, 'the embedded database directory');
    client = new PGlite(path, options);
  }
  await client.waitReady;
  trackPgliteTransactions(client);
  takeTurnsBetweenStatements(client);
  const db = drizzlePglite({ client, schema });
  await migratePglite(db, { migrationsFolder: MIGRATIONS_FOLDER });
  // The PGlite driver's result type differs from node-postgres's, the query API does not.
  return { client, db: db as unknown as Database };
}

async function openPglite(dir: string | undefined, notice?: (line: string) => void): Promise<DatabaseHandle> {
  if (dir !== undefined && !existsSync(join(dir, 'pglite', 'PG_VERSION'))) {
    // initdb and the first migrations grow the WebAssembly heap by 150 MB or more for good:
    // a short-lived child process does them, this one then opens the finished database.
    const started = performance.now();
    notice?.(`creating the embedded database in ${join(dir, 'pglite')} (first start, this takes a while)`);
    await createEmbeddedDatabaseApart(dir);
    notice?.(`created the embedded database in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  const { client, db } = await createPgliteClient(dir);
  // PGlite creates its files 0666 (less the umask): close what initdb and the migrations made.
  if (dir !== undefined) restrictTree(dir);
  return {
    db,
    kind: 'pglite',
    poolStats: () => undefined,
    close: async () => {
      await client.close();
      if (dir !== undefined) restrictTree(dir);
    },
  };
}

/** Timeouts of the PostgreSQL connections: a database that is down or frozen must not hang a request. */
export interface PostgresTimeouts {
  /** Giving up on opening a connection. */
  readonly connectMs: number;
  /** The server-side statement timeout of every connection (routes with a larger budget raise it locally). */
  readonly statementMs: number;
  /** A transaction left idle this long is ended by the server (its locks released). */
  readonly idleInTransactionMs: number;
}

const DEFAULT_TIMEOUTS: PostgresTimeouts = {
  connectMs: 5_000,
  statementMs: 5_000,
  idleInTransactionMs: 15_000,
};

/**
 * Bounds every query of `client` in the client too, by the statement timeout in force
 * ({@link currentStatementTimeoutMs}): a frozen server answers nothing, not even its own statement
 * timeout. A connection whose query timed out in the client is closed, never reused: its late answer
 * must not be read as the next query's.
 */
function boundQueries(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const onTimeout = (error: unknown): void => {
    if (error instanceof Error && error.message === 'Query read timeout') {
      void client.end().catch(() => undefined);
    }
  };
  const bounded = (config: unknown, ...rest: unknown[]): unknown => {
    const timeoutMs = currentStatementTimeoutMs();
    if (timeoutMs <= 0 || typeof config !== 'object' || config === null || 'submit' in config) {
      return query(config, ...rest);
    }
    // Margin so that the server's statement timeout (a clean error) normally fires first.
    const withTimeout = { ...config, query_timeout: timeoutMs + 1_000 };
    const callback = rest.at(-1);
    if (typeof callback === 'function') {
      // The pool's own query() passes a callback.
      const args = rest.slice(0, -1);
      return query(withTimeout, ...args, (error: unknown, result: unknown) => {
        onTimeout(error);
        (callback as (error: unknown, result: unknown) => void)(error, result);
      });
    }
    const result = query(withTimeout, ...rest);
    return result instanceof Promise
      ? result.catch((error: unknown) => {
          onTimeout(error);
          throw error;
        })
      : result;
  };
  client.query = bounded as typeof client.query;
}

/** Whether the database already has every migration (then nothing needs the right to create). */
async function isUpToDate(client: pg.PoolClient): Promise<boolean> {
  const newest = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER }).at(-1)?.folderMillis ?? 0;
  try {
    const result = await client.query<{ applied: string | null }>(
      'SELECT max(created_at)::text AS applied FROM drizzle.__drizzle_migrations',
    );
    return Number(result.rows[0]?.applied ?? 0) >= newest;
  } catch {
    return false; // no migrations table yet: a new database
  }
}

async function openPostgres(url: string, timeouts: PostgresTimeouts): Promise<DatabaseHandle> {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    application_name: 'cardwarden',
    connectionTimeoutMillis: timeouts.connectMs,
    statement_timeout: timeouts.statementMs,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
    // No parallel plans: every statement here is short, and a parallel one pays for starting workers
    // (tens of milliseconds on a small machine). The planner chose one for a search branch that stops
    // after 101 rows, because it misjudged the branch as reading the whole table (db/search.ts).
    options: '-c max_parallel_workers_per_gather=0',
    keepAlive: true,
  });
  // An idle client losing its connection must not crash the server; the pool replaces it.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
    boundQueries(client);
  });
  await withStatementTimeout(0, async () => {
    const client = await pool.connect();
    try {
      // Migrations (and waiting for another instance's) may take long: no timeout, then back to the default.
      await client.query('SET statement_timeout = 0');
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
      try {
        // A server role of its own may not create anything (docs/durability.md): it only checks.
        if (!(await isUpToDate(client))) {
          await migratePostgres(drizzlePostgres({ client, schema }), { migrationsFolder: MIGRATIONS_FOLDER });
        }
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
        await client.query('RESET statement_timeout');
      }
    } finally {
      client.release();
    }
  }).catch(async (error: unknown) => {
    await pool.end();
    throw error;
  });
  const db = drizzlePostgres({ client: pool, schema });
  return {
    db: db as unknown as Database,
    kind: 'postgres',
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: () => pool.end(),
  };
}
