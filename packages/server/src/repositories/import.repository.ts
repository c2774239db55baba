/**
 * Set-based reads and writes for bulk import: a whole file's serials and usernames are looked up with
 * one query each, and rows are inserted a batch at a time from one JSON parameter (json_to_recordset),
 * which both drivers pass the same way and PostgreSQL expands at C speed.
 */
import { sql } from 'drizzle-orm';
import type { AdminKeyAlgorithm } from '@cardwarden/protocol';
import type { Database } from '../db/database.js';
import { masters } from '../db/schema.js';
import type { MasterRow } from './master.repository.js';
import type { CardType } from './card.repository.js';

/** Rows per INSERT: big enough that round trips do not count, small enough for a few MB of JSON. */
const BATCH = 5_000;

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

export async function insertUsersInBulk(tx: Database, rows: readonly NewImportUser[]): Promise<void> {
  for (const batch of batches(rows)) {
    await tx.execute(
      sql`insert into users (id, username, display_name, email)
          select id, username, display_name, email
          from json_to_recordset(${JSON.stringify(batch)}::json)
            as r(id uuid, username text, display_name text, email text)`,
    );
  }
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

/** Inserts the cards and their sealed admin keys, a batch at a time. */
export async function insertCardsInBulk(tx: Database, rows: readonly NewImportCard[]): Promise<void> {
  for (const batch of batches(rows)) {
    const json = JSON.stringify(batch);
    await tx.execute(
      sql`insert into cards (id, serial, type, user_id, profile_id)
          select id, serial, type, user_id, profile_id
          from json_to_recordset(${json}::json)
            as r(id uuid, serial text, type text, user_id uuid, profile_id uuid)`,
    );
    await tx.execute(
      sql`insert into admin_keys (card_id, algorithm, sealed, kcv, master_id, derivation)
          select id, algorithm, sealed, kcv, master_id, derivation
          from json_to_recordset(${json}::json)
            as r(id uuid, algorithm text, sealed text, kcv text, master_id uuid, derivation text)`,
    );
  }
}

/**
 * The GIN (trigram) search indexes of users and cards that take each new row at once (fastupdate off,
 * for steady search latency). Inserting 100,000 rows into them one entry at a time costs most of an
 * import (measured: 10,000 users 10 s with them, 1.3 s without), so a big import switches them to
 * "fast update" inside its own transaction, and merges the pending entries in bulk
 * (gin_clean_pending_list) and switches them back before it commits: other sessions never see the
 * change, but searches wait for the import's commit (ALTER INDEX locks the index). A server role
 * that does not own the tables cannot do this and imports the slow way.
 * @returns the indexes switched, for {@link mergeDeferredIndexes}.
 */
export async function deferSearchIndexing(tx: Database): Promise<string[]> {
  const rows = await rowsOf<{ name: string }>(
    tx,
    sql`select c.relname as name
        from pg_index as i
        join pg_class as c on c.oid = i.indexrelid
        join pg_am as a on a.oid = c.relam
        where i.indrelid in ('users'::regclass, 'cards'::regclass)
          and a.amname = 'gin'
          and 'fastupdate=false' = any(coalesce(c.reloptions, '{}'))`,
  );
  const names = rows.map((row) => row.name);
  try {
    // A savepoint: a role without the right to alter the indexes leaves the transaction usable.
    await tx.transaction(async (savepoint) => {
      await savepoint.execute(sql`select set_config('gin_pending_list_limit', '65536', true)`);
      for (const name of names) {
        await savepoint.execute(sql`alter index ${sql.identifier(name)} set (fastupdate = on)`);
      }
    });
    return names;
  } catch {
    return [];
  }
}

/** Merges the pending entries of the indexes {@link deferSearchIndexing} switched, and switches them back. */
export async function mergeDeferredIndexes(tx: Database, names: readonly string[]): Promise<void> {
  for (const name of names) {
    await tx.execute(sql`select gin_clean_pending_list(${name}::regclass)`);
    await tx.execute(sql`alter index ${sql.identifier(name)} set (fastupdate = off)`);
  }
}
