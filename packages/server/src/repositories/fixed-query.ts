/**
 * Statements of the hot paths (bearer-token check, offline-unblock cycle) as fixed SQL texts, built once
 * when the module loads. Each runs through the driver under its name, so PostgreSQL parses and plans it
 * once per connection, and no query builder runs per request (a CPU profile had a quarter of the
 * server's time in drizzle building the same SQL again for every query). The rows come back raw and are
 * decoded with the schema's own column mappers, so both drivers give the same values.
 */
import { getTableColumns, type InferSelectModel, type Table } from 'drizzle-orm';
import type { Database } from '../db/database.js';
import { pgliteTarget, runPglitePrepared } from '../db/pglite-statements.js';

/** A statement run with positional parameters ($1, $2…). `name` must be unique per text. */
export interface FixedQuery {
  readonly name: string;
  readonly text: string;
}

export type RawRow = Readonly<Record<string, unknown>>;

/** Runs `query` in `db` (the database or the caller's transaction); the rows as the driver gives them. */
export async function runFixed(
  db: Database,
  query: FixedQuery,
  params: readonly unknown[],
): Promise<RawRow[]> {
  // The embedded database: a named prepared statement of its own (PGlite's driver would parse and plan
  // the text again on every call).
  const pglite = pgliteTarget((db._.session as unknown as { client?: unknown }).client);
  if (pglite) return runPglitePrepared(pglite, query.name, query.text, params);
  const prepared = db._.session.prepareQuery(
    { sql: query.text, params: [...params] },
    undefined,
    query.name,
    false,
  );
  const result = (await prepared.execute()) as { rows: RawRow[] };
  return result.rows;
}

/**
 * Every column of `table` (as `alias`) under names starting with `prefix`, and the reader that turns
 * them back into the table's row type. Columns added to the table later come along by themselves.
 */
export function tableColumns<T extends Table>(
  table: T,
  alias: string,
  prefix: string,
): { readonly select: string; readonly read: (row: RawRow) => InferSelectModel<T> } {
  return someColumns(table, alias, prefix, undefined) as {
    readonly select: string;
    readonly read: (row: RawRow) => InferSelectModel<T>;
  };
}

/**
 * Only the columns `keys` of `table`, as {@link tableColumns}: less for the database to send and for
 * the driver to decode when a statement needs a few columns of a wide table.
 */
export function pickColumns<T extends Table, K extends keyof InferSelectModel<T> & string>(
  table: T,
  alias: string,
  prefix: string,
  keys: readonly K[],
): { readonly select: string; readonly read: (row: RawRow) => Pick<InferSelectModel<T>, K> } {
  return someColumns(table, alias, prefix, keys) as {
    readonly select: string;
    readonly read: (row: RawRow) => Pick<InferSelectModel<T>, K>;
  };
}

function someColumns(
  table: Table,
  alias: string,
  prefix: string,
  keys: readonly string[] | undefined,
): { readonly select: string; readonly read: (row: RawRow) => Record<string, unknown> } {
  const all = Object.entries(getTableColumns(table));
  const columns = keys === undefined ? all : all.filter(([key]) => keys.includes(key));
  if (keys !== undefined && columns.length !== keys.length) throw new Error('unknown column in pickColumns');
  const select = columns.map(([key, column]) => `${alias}."${column.name}" as "${prefix}${key}"`).join(', ');
  const read = (row: RawRow): Record<string, unknown> => {
    const record: Record<string, unknown> = {};
    for (const [key, column] of columns) {
      const value = row[`${prefix}${key}`];
      record[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
    }
    return record;
  };
  return { select, read };
}
