/**
 * Set-based reads and writes for bulk import: a whole file's serials and usernames are looked up with
 * one query each, and rows are inserted a batch at a time from one JSON parameter (json_to_recordset),
 * which both drivers pass the same way and PostgreSQL expands at C speed.
 */
import { sql } from 'drizzle-orm';
import type { AdminKeyAlgorithm } from '@cardwarden/protocol/admin-key';
import type { Database } from '../db/database.js';
import { masters } from '../db/schema.js';
import type { MasterRow } from './master.repository.js';
import type { CardType } from './card.repository.js';

/** Rows per INSERT: big enough that round trips do not count, small enough for a few MB of JSON. */
const BATCH = 5_000;

/**
 * Lets the event loop take other requests (the import's progress) between two statements: the embedded
 * database answers in microtasks, so without this a whole import would run without a turn of the loop.
 */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function rowsOf<T>(db: Database, query: ReturnType<typeof sql>): Promise<T[]> {
  // Both drivers answer { rows }; the shared Database type does not say so.
  const result: unknown = await db.execute(query);
  return (result as { rows: T[] }).rows;
}

function batches<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += BATCH) out.push(items.slice(start, start + BATCH));
  return out;
}

/** Raises the statement timeout for the rest of the transaction (a big import runs for many seconds). */
export async function allowLongStatements(tx: Database, seconds: number): Promise<void> {
  await tx.execute(sql`select set_config('statement_timeout', ${`${String(seconds)}s`}, true)`);
}

export async function listProfileNames(db: Database): Promise<{ id: string; name: string }[]> {
  return rowsOf(db, sql`select id::text as id, name from profiles`);
}

/** Every master of every profile (a handful per profile), for lines whose key is derived. */
export async function listAllMasters(db: Database): Promise<MasterRow[]> {
  return db.select().from(masters);
}

/** Of `serials` (lower case), those a registered card has (any case), lower case. */
export async function findRegisteredSerials(db: Database, serials: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const batch of batches(serials)) {
    const rows = await rowsOf<{ serial: string }>(
      db,
      sql`select lower(c.serial) as serial
          from json_array_elements_text(${JSON.stringify(batch)}::json) as wanted(serial)
          join cards as c on lower(c.serial) = wanted.serial`,
    );
    for (const row of rows) found.add(row.serial);
  }
  return found;
}

/** Of `usernames` (lower case), the users that exist: lower-case username → id. */
export async function findUsersByUsernames(
  db: Database,
  usernames: readonly string[],
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const batch of batches(usernames)) {
    const rows = await rowsOf<{ username: string; id: string }>(
      db,
      sql`select lower(u.username) as username, u.id::text as id
          from json_array_elements_text(${JSON.stringify(batch)}::json) as wanted(username)
          join users as u on lower(u.username) = wanted.username`,
    );
    for (const row of rows) found.set(row.username, row.id);
  }
  return found;
}

export interface NewImportUser {
  readonly id: string;
  readonly username: string;
  readonly display_name: string;
  readonly email: string;
}

/**
 * Runs one statement per batch of `total` rows, pipelined: the next batch is made (its keys sealed, its
 * JSON written) while the database runs the statement of the one before, so that on PostgreSQL the
 * server and the database work at the same time. `done` is told the rows written after each batch.
 */
async function pipelined<T>(
  total: number,
  makeBatch: (start: number, end: number) => T[],
  run: (json: string) => Promise<unknown>,
  done?: (rows: number) => void,
): Promise<void> {
  let pending: Promise<unknown> | undefined;
  let written = 0;
  try {
    for (let start = 0; start < total; start += BATCH) {
      const end = Math.min(total, start + BATCH);
      const json = JSON.stringify(makeBatch(start, end));
      await pending;
      if (start > 0) {
        done?.((written = start));
        await turn();
      }
      // Drizzle's query runs when first awaited: start it now, once (a native promise, awaited below).
      pending = Promise.resolve(run(json));
    }
    await pending;
    if (total > written) done?.(total);
  } finally {
    // A batch that failed while the next was being made is reported by the await above; this keeps a
    // rejected statement from also surfacing as an unhandled rejection when making a batch threw.
    pending?.catch(() => undefined);
  }
}

export async function insertUsersInBulk(
  tx: Database,
  rows: readonly NewImportUser[],
  done?: (rows: number) => void,
): Promise<void> {
  await pipelined(
    rows.length,
    (start, end) => rows.slice(start, end),
    (json) =>
      tx.execute(
        sql`insert into users (id, username, display_name, email)
            select id, username, display_name, email
            from json_to_recordset(${json}::json)
              as r(id uuid, username text, display_name text, email text)`,
      ),
    done,
  );
}

export interface NewImportCard {
  readonly id: string;
  readonly serial: string;
  readonly type: CardType;
  readonly user_id: string;
  readonly profile_id: string;
  readonly algorithm: AdminKeyAlgorithm;
  /** The sealed envelope (never the key); empty for a derived key. */
  readonly sealed: string;
  readonly kcv: string;
  /** A derived key: the master it comes from and the derivation; null for a sealed key. */
  readonly master_id: string | null;
  readonly derivation: string | null;
}

/**
 * Inserts `total` cards and their sealed admin keys, a batch at a time, each batch one statement (the
 * card and its key from one JSON parameter); `makeBatch` seals the keys of rows start..end.
 */
export async function insertCardsInBulk(
  tx: Database,
  total: number,
  makeBatch: (start: number, end: number) => NewImportCard[],
  done?: (rows: number) => void,
): Promise<void> {
  await pipelined(
    total,
    makeBatch,
    (json) =>
      tx.execute(
        sql`with r as materialized (
              select * from json_to_recordset(${json}::json)
                as r(id uuid, serial text, type text, user_id uuid, profile_id uuid,
                     algorithm text, sealed text, kcv text, master_id uuid, derivation text)
            ), card as (
              insert into cards (id, serial, type, user_id, profile_id)
              select id, serial, type, user_id, profile_id from r
            )
            insert into admin_keys (card_id, algorithm, sealed, kcv, master_id, derivation)
            select id, algorithm, sealed, kcv, master_id, derivation from r`,
      ),
    done,
  );
}

/** What {@link prepareBulkWrite} changed, for {@link finishBulkWrite} to put back. */
export interface BulkWritePlan {
  /** Indexes dropped, created again from their definitions once the rows are in. */
  readonly rebuilt: readonly { readonly name: string; readonly definition: string }[];
  /** Foreign keys dropped, added again (checked over the whole table in one pass). */
  readonly constraints: readonly {
    readonly table: string;
    readonly name: string;
    readonly definition: string;
  }[];
  /** GIN indexes switched to fast update, merged and switched back. */
  readonly deferred: readonly string[];
}

export const NO_BULK_PLAN: BulkWritePlan = { rebuilt: [], constraints: [], deferred: [] };

/**
 * Whether `table` holds at most `limit` rows (counted no further than limit + 1, so a big table costs
 * no more than the rows an import brings).
 */
export async function hasAtMostRows(tx: Database, table: 'users' | 'cards', limit: number): Promise<boolean> {
  const [row] = await rowsOf<{ n: number }>(
    tx,
    sql`select count(*)::int as n from (select 1 from ${sql.identifier(table)} limit ${limit + 1}) as t`,
  );
  return (row?.n ?? 0) <= limit;
}

/**
 * Makes a big import's writes cheap for the indexes of users, cards and admin_keys:
 *
 * - `rebuild` tables: their secondary indexes (and, for cards, the foreign keys of cards and
 *   admin_keys) are dropped and created again at the end (see finishBulkWrite): building an index over
 *   a table costs a fraction of inserting 100,000 rows into it one by one, and one foreign-key pass
 *   over the table a fraction of 100,000 per-row checks. Only when the table holds no more rows than
 *   the import brings (a rebuild covers the whole table), and only on the embedded database: on
 *   PostgreSQL, dropping an index locks its table against every reader until the import commits.
 * - the other tables: their GIN (trigram) search indexes, which take each new row at once (fastupdate
 *   off, for steady search latency), are switched to "fast update" inside the import's transaction
 *   and their pending entries merged in bulk (gin_clean_pending_list) at the end (measured: 10,000
 *   users 10 s with them, 1.3 s without). Other sessions never see the change, but searches wait for
 *   the import's commit (ALTER INDEX locks the index).
 *
 * All inside the import's transaction: a failed import rolls every change back. A server role that
 * does not own the tables cannot do this and imports the slow way.
 */
export async function prepareBulkWrite(
  tx: Database,
  rebuild: { readonly users: boolean; readonly cards: boolean },
): Promise<BulkWritePlan> {
  const rebuildTables = [
    ...(rebuild.users ? ['users'] : []),
    ...(rebuild.cards ? ['cards', 'admin_keys'] : []),
  ];
  const deferTables = [...(rebuild.users ? [] : ['users']), ...(rebuild.cards ? [] : ['cards'])];
  try {
    // A savepoint: a role without the right to alter the tables leaves the transaction usable.
    return await tx.transaction(async (savepoint) => {
      const constraints = rebuild.cards
        ? await rowsOf<{ table: string; name: string; definition: string }>(
            savepoint,
            sql`select conrelid::regclass::text as table, conname as name,
                       pg_get_constraintdef(oid) as definition
                from pg_constraint
                where contype = 'f' and conrelid in ('cards'::regclass, 'admin_keys'::regclass)
                order by conname`,
          )
        : [];
      for (const constraint of constraints) {
        await savepoint.execute(
          sql`alter table ${sql.identifier(constraint.table)} drop constraint ${sql.identifier(constraint.name)}`,
        );
      }
      const rebuilt =
        rebuildTables.length > 0
          ? await rowsOf<{ name: string; definition: string }>(
              savepoint,
              sql`select c.relname as name, pg_get_indexdef(i.indexrelid) as definition
                  from pg_index as i join pg_class as c on c.oid = i.indexrelid
                  where i.indrelid = any(${`{${rebuildTables.join(',')}}`}::regclass[])
                    and not i.indisprimary
                    and not exists (select 1 from pg_constraint as k where k.conindid = i.indexrelid)
                  order by c.relname`,
            )
          : [];
      for (const index of rebuilt) {
        await savepoint.execute(sql`drop index ${sql.identifier(index.name)}`);
      }
      const deferred =
        deferTables.length > 0
          ? (
              await rowsOf<{ name: string }>(
                savepoint,
                sql`select c.relname as name
                    from pg_index as i
                    join pg_class as c on c.oid = i.indexrelid
                    join pg_am as a on a.oid = c.relam
                    where i.indrelid = any(${`{${deferTables.join(',')}}`}::regclass[])
                      and a.amname = 'gin'
                      and 'fastupdate=false' = any(coalesce(c.reloptions, '{}'))`,
              )
            ).map((row) => row.name)
          : [];
      if (deferred.length > 0)
        await savepoint.execute(sql`select set_config('gin_pending_list_limit', '65536', true)`);
      for (const name of deferred) {
        await savepoint.execute(sql`alter index ${sql.identifier(name)} set (fastupdate = on)`);
      }
      return { rebuilt, constraints, deferred };
    });
  } catch {
    return NO_BULK_PLAN;
  }
}

/** Puts back what {@link prepareBulkWrite} changed: indexes built again, foreign keys checked, GIN merged. */
export async function finishBulkWrite(
  tx: Database,
  plan: BulkWritePlan,
  done?: (step: number, steps: number) => void,
): Promise<void> {
  const steps = plan.rebuilt.length + plan.constraints.length + plan.deferred.length;
  let step = 0;
  for (const index of plan.rebuilt) {
    // The definition as PostgreSQL wrote it (pg_get_indexdef): the same index, under the same name.
    await tx.execute(sql.raw(index.definition));
    done?.(++step, steps);
    await turn();
  }
  for (const constraint of plan.constraints) {
    await tx.execute(
      sql`alter table ${sql.identifier(constraint.table)} add constraint ${sql.identifier(constraint.name)} ${sql.raw(constraint.definition)}`,
    );
    done?.(++step, steps);
    await turn();
  }
  for (const name of plan.deferred) {
    await tx.execute(sql`select gin_clean_pending_list(${name}::regclass)`);
    await tx.execute(sql`alter index ${sql.identifier(name)} set (fastupdate = off)`);
    done?.(++step, steps);
    await turn();
  }
}
