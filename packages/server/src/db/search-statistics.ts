/**
 * How common each trigram is in the searched columns, from a small sample of rows, so that a long term
 * asks the trigram index for its few rare trigrams instead of all of them.
 *
 * Why: pg_trgm turns `ILIKE '%seed.maria.weber.100000%'` into some twenty trigrams, and the GIN index
 * intersects all of their posting lists. When most of them are in nearly every row (`see`, `eed` in every
 * seeded username, `exa` in every email), that intersection decodes millions of entries: 60-110 ms at a
 * million rows, where `ILIKE '%100%' AND ILIKE '%web%'` costs a millisecond. The full condition still
 * filters every row (see db/search.ts), so the sample only decides speed, never what is found: a stale or
 * unlucky sample makes a search slower, not wrong.
 *
 * The sample (`TABLESAMPLE SYSTEM`, about 2,000 rows of each table read from a few dozen pages) is taken
 * in the background when a search finds none or one older than 30 minutes; until it is there, searches
 * use every trigram.
 */
import { sql } from 'drizzle-orm';
import type { Database } from './database.js';
import { asciiKeyOf } from './search-key.js';

/** The searched columns that have statistics. */
export type SearchColumn = 'username' | 'displayName' | 'email' | 'serial';

/** Trigram counts of one column's sampled values. */
export interface ColumnTrigrams {
  /** In how many sampled values each trigram of the search key (db/search-key.ts) occurs. */
  readonly counts: ReadonlyMap<string, number>;
  /** How many values were sampled. */
  readonly sampled: number;
  /** How many rows the table has (the planner's estimate, at least the sample). */
  readonly rows: number;
}

export type SearchStatistics = Readonly<Record<SearchColumn, ColumnTrigrams>>;

/**
 * Rows sampled per table: enough to tell a trigram in 1 % of rows from one in 0.05 %, and little enough
 * that taking it (a few dozen pages, then counting in JavaScript) does not hold up the searches that
 * share the embedded database's one connection.
 */
const SAMPLE_ROWS = 2_000;

/** A sample older than this is taken again (in the background; the old one serves meanwhile). */
const MAX_AGE_MS = 30 * 60_000;

interface Entry {
  statistics: SearchStatistics | undefined;
  takenAt: number;
  refreshing: Promise<void> | undefined;
}

const byDatabase = new WeakMap<Database, Entry>();

/**
 * The statistics for `db` if there are any; starts taking them (without waiting) when there are none or
 * they are old.
 */
export function searchStatistics(db: Database): SearchStatistics | undefined {
  let entry = byDatabase.get(db);
  if (!entry) {
    entry = { statistics: undefined, takenAt: 0, refreshing: undefined };
    byDatabase.set(db, entry);
  }
  if (!entry.refreshing && Date.now() - entry.takenAt > MAX_AGE_MS) {
    const current = entry;
    current.refreshing = takeSample(db)
      .then((statistics) => {
        current.statistics = statistics;
      })
      // A failed sample (database busy, statement timeout) only means searches keep every trigram.
      .catch(() => undefined)
      .finally(() => {
        current.takenAt = Date.now();
        current.refreshing = undefined;
      });
  }
  return entry.statistics;
}

/**
 * Uses `statistics` (or none: every trigram) for the next 30 minutes instead of a sample, so that a test
 * can compare both ways of searching.
 */
export function holdSearchStatistics(db: Database, statistics: SearchStatistics | undefined): void {
  byDatabase.set(db, { statistics, takenAt: Date.now(), refreshing: undefined });
}

/** Takes the sample now and waits for it (tests, and a benchmark that wants it before measuring). */
export async function refreshSearchStatistics(db: Database): Promise<SearchStatistics> {
  const statistics = await takeSample(db);
  byDatabase.set(db, { statistics, takenAt: Date.now(), refreshing: undefined });
  return statistics;
}

async function takeSample(db: Database): Promise<SearchStatistics> {
  const sizes = await rowsOf<{ name: string; rows: number }>(
    db,
    sql`select relname as name, reltuples::float8 as rows from pg_class
        where oid in (to_regclass('users'), to_regclass('cards'))`,
  );
  const size = (table: string) => Math.max(0, sizes.find((s) => s.name === table)?.rows ?? 0);
  // SYSTEM reads whole pages at random: the percentage that gives about SAMPLE_ROWS rows.
  const percent = (table: string) =>
    size(table) <= SAMPLE_ROWS ? 100 : Math.max(0.01, (100 * SAMPLE_ROWS) / size(table));
  const users = await rowsOf<{ username: string; displayName: string; email: string }>(
    db,
    sql`select username, display_name as "displayName", email from users
        tablesample system (${sql.raw(percent('users').toFixed(4))}) limit ${SAMPLE_ROWS * 2}`,
  );
  const cards = await rowsOf<{ serial: string }>(
    db,
    sql`select serial from cards tablesample system (${sql.raw(percent('cards').toFixed(4))})
        limit ${SAMPLE_ROWS * 2}`,
  );
  const column = (values: string[], rows: number): ColumnTrigrams => ({
    counts: countTrigrams(values),
    sampled: values.length,
    rows: Math.max(rows, values.length),
  });
  return {
    username: column(
      users.map((u) => u.username),
      size('users'),
    ),
    displayName: column(
      users.map((u) => u.displayName),
      size('users'),
    ),
    email: column(
      users.map((u) => u.email),
      size('users'),
    ),
    serial: column(
      cards.map((c) => c.serial),
      size('cards'),
    ),
  };
}

/**
 * In how many of `values` each trigram of their search key occurs (db/search-key.ts: lower case,
 * punctuation replaced; only the ASCII characters matter, the only ones a term's index trigrams have).
 */
function countTrigrams(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) {
    const keys = Array.from(value, (char) => asciiKeyOf(char) ?? char.toLowerCase());
    const seen = new Set<string>();
    for (let i = 0; i + 3 <= keys.length; i++) seen.add(keys.slice(i, i + 3).join(''));
    for (const trigram of seen) counts.set(trigram, (counts.get(trigram) ?? 0) + 1);
  }
  return counts;
}

async function rowsOf<T>(db: Database, query: ReturnType<typeof sql>): Promise<T[]> {
  // Both drivers answer `execute` with `rows`.
  const result: unknown = await db.execute(query);
  return (result as { rows: T[] }).rows;
}
