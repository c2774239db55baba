/**
 * Named prepared statements on the embedded database. PGlite's `query()` sends every statement as an
 * unnamed one, so PostgreSQL parses, analyses and plans it again on each call: for the hot paths'
 * statements (joins of five tables, data-modifying CTEs) that was most of their cost, more than running
 * them. Here a statement is parsed once per database under its name, and each run only binds and
 * executes it (PostgreSQL's plan cache then keeps a generic plan when it is as good as a custom one).
 *
 * The runs take PGlite's own locks as `query()` does: outside a transaction the transaction lock and the
 * query lock, inside one (which holds the transaction lock already) the query lock. A transaction's
 * handle is tied to its database by {@link trackPgliteTransactions}.
 */
import { parse, protocol, types, type PGlite, type Transaction } from '@electric-sql/pglite';

type BackendMessage = Parameters<typeof parse.parseResults>[0][number];

/** The database a transaction handle belongs to (set by trackPgliteTransactions). */
const OWNER = Symbol('cardwarden.pgliteOwner');

type TrackedTransaction = Transaction & { [OWNER]?: PGlite };

/**
 * The statements already parsed, per database, each with the description of its rows (its
 * RowDescription, or none for a statement that returns no rows). The description is asked once, when
 * the statement is parsed: PGlite's protocol reader takes about 2 µs a column to read one (a statement
 * joining five tables returns some 70), so each run asks only for the rows.
 */
const prepared = new WeakMap<PGlite, Map<string, BackendMessage | undefined>>();

/** The databases whose transactions are tracked; others fall back to `query()`. */
const tracked = new WeakSet<PGlite>();

/**
 * Ties each transaction handle of `client` to `client`, so that a statement run in the transaction can
 * use the database's prepared statements. Call once, right after opening the database.
 */
export function trackPgliteTransactions(client: PGlite): void {
  if (tracked.has(client)) return;
  tracked.add(client);
  const transaction = client.transaction.bind(client);
  client.transaction = <T>(callback: (tx: Transaction) => Promise<T>): Promise<T> =>
    transaction((tx) => {
      Object.defineProperty(tx, OWNER, { value: client });
      return callback(tx);
    });
}

/**
 * Where a drizzle session's client runs statements: the database itself (outside a transaction), the
 * database of a tracked transaction, or undefined (not PGlite, or not tracked: use the driver).
 */
export function pgliteTarget(
  client: unknown,
): { readonly db: PGlite; readonly inTransaction: boolean } | undefined {
  if (typeof client !== 'object' || client === null) return undefined;
  if (tracked.has(client as PGlite)) return { db: client as PGlite, inTransaction: false };
  const owner = (client as TrackedTransaction)[OWNER];
  if (owner !== undefined && !(client as Transaction).closed) return { db: owner, inTransaction: true };
  return undefined;
}

/** Timestamps, intervals and dates stay PostgreSQL's text, as drizzle's raw queries give them. */
const RAW_PARSERS = {
  [types.TIMESTAMP]: (value: string) => value,
  [types.TIMESTAMPTZ]: (value: string) => value,
  [types.INTERVAL]: (value: string) => value,
  [types.DATE]: (value: string) => value,
  1231: (value: string) => value, // numeric[]
  1115: (value: string) => value, // timestamp[]
  1185: (value: string) => value, // timestamptz[]
  1187: (value: string) => value, // interval[]
  1182: (value: string) => value, // date[]
};

/**
 * The database's parsers with {@link RAW_PARSERS} over them, made once per database: handed to
 * `parseResults` as its options' `parsers`, the two maps (over 300 type ids) were spread into a new
 * object on every statement, about 100 µs each (a CPU profile of the response path).
 */
const mergedParsers = new WeakMap<PGlite, PGlite['parsers']>();

function parsersOf(db: PGlite): PGlite['parsers'] {
  let parsers = mergedParsers.get(db);
  if (!parsers) mergedParsers.set(db, (parsers = { ...db.parsers, ...RAW_PARSERS }));
  return parsers;
}

/** A parameter in PostgreSQL's text format (the statements cast their parameters). */
function toText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return arrayLiteral(value);
  return JSON.stringify(value);
}

/** A one-dimensional array in PostgreSQL's text format, every element quoted (as node-postgres sends it). */
function arrayLiteral(values: readonly unknown[]): string {
  const elements = values.map((value) => {
    const text = toText(value);
    return text === null ? 'NULL' : `"${text.replace(/[\\"]/g, '\\$&')}"`;
  });
  return `{${elements.join(',')}}`;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

const SYNC = protocol.serialize.sync();
const EXECUTE = protocol.serialize.execute({});

/** Parses `text` as the statement `name` on `db` and returns the description of its rows. */
async function prepare(db: PGlite, name: string, text: string): Promise<BackendMessage | undefined> {
  // Protocol-level prepared statements outlive a transaction's rollback.
  const { messages } = await db.execProtocol(
    concat([
      protocol.serialize.parse({ name, text, types: [] }),
      protocol.serialize.describe({ type: 'S', name }),
      SYNC,
    ]),
    { syncToFs: false },
  );
  return messages.find((message) => message.name === 'rowDescription');
}

/**
 * Runs the statement `name` (`text`, parsed on first use) with `params` on `target`; the rows as objects
 * keyed by column name, with the values drizzle's raw queries give.
 */
export async function runPglitePrepared(
  target: { readonly db: PGlite; readonly inTransaction: boolean },
  name: string,
  text: string,
  params: readonly unknown[],
): Promise<Record<string, unknown>[]> {
  const { db } = target;
  const run = async (): Promise<Record<string, unknown>[]> => {
    let statements = prepared.get(db);
    if (!statements) prepared.set(db, (statements = new Map<string, BackendMessage | undefined>()));
    if (!statements.has(name)) statements.set(name, await prepare(db, name, text));
    const description = statements.get(name);
    const bind = protocol.serialize.bind({ statement: name, values: params.map(toText) });
    const { messages } = await db.execProtocol(concat([bind, EXECUTE, SYNC]), { syncToFs: false });
    if (!target.inTransaction) await db.syncToFs();
    if (!description) return [];
    // The rows come without their description (no Describe): the one taken when parsing names them.
    const [result] = parse.parseResults([description, ...messages], parsersOf(db), { rowMode: 'object' });
    return result?.rows ?? [];
  };
  return target.inTransaction
    ? db._runExclusiveQuery(run)
    : db._runExclusiveTransaction(() => db._runExclusiveQuery(run));
}
