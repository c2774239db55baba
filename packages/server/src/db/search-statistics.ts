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

/** Which of one column's sampled values have which trigram. */
export interface ColumnTrigrams {
  /**
   * For each trigram of the search key (db/search-key.ts), the sampled values (their positions in the
   * sample, ascending) that have it: its count, and with other trigrams' how often they come together.
   */
  readonly containing: ReadonlyMap<string, readonly number[]>;
  /** How many values were sampled. */
  readonly sampled: number;
  /** How many rows the table has (the planner's estimate, at least the sample). */
  readonly rows: number;
  /** The sampled values in lower case, in sample order: how often a whole term is found. */
  readonly values: readonly string[];
  /**
   * Where in the table each sampled value lies: the quarter of the table's pages (0–3) its page is in.
   * A term common on average may still sit in one part of the table only (an import of one family).
   */
  readonly quarters: readonly number[];
  /**
   * Whether the database's lower() folds every ASCII character as ASCII does (every collation but a
   * Turkish one, whose I lowers to a dotless ı), so that ILIKE of an ASCII term on an ASCII value may be
   * checked under the "C" collation, as db/search.ts does when it reads a table in order. Unknown (so
   * never assumed) until a sample is taken.
   */
  readonly foldsAsciiAsAscii?: boolean | undefined;
}

export type SearchStatistics = Readonly<Record<SearchColumn, ColumnTrigrams>>;

/**
 * Rows sampled per table: enough to tell a trigram in 1 % of rows from one in 0.05 %, and little enough
 * that taking it (a few dozen pages, then counting in JavaScript) does not hold up the searches that
 * share the embedded database's one connection.
 */
const SAMPLE_ROWS = 2_000;

/** How many pages the sample's rows come from, per page that SAMPLE_ROWS rows fill (see takeSample). */
const PAGE_SPREAD = 8;

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
  const sizes = await rowsOf<{ name: string; rows: number; pages: number }>(
    db,
    sql`select relname as name, reltuples::float8 as rows, pg_relation_size(oid)::float8 / 8192 as pages
        from pg_class where oid in (to_regclass('users'), to_regclass('cards'))`,
  );
  const size = (table: string) => Math.max(0, sizes.find((s) => s.name === table)?.rows ?? 0);
  const pages = (table: string) => Math.max(1, sizes.find((s) => s.name === table)?.pages ?? 1);
  const quarter = (table: string, page: number) =>
    Math.min(3, Math.max(0, Math.floor((4 * page) / pages(table))));
  // SYSTEM reads whole pages at random, and rows inserted together (a bulk import, a seed numbered in
  // order) share pages: a page's rows are alike. So it reads PAGE_SPREAD times the pages that
  // SAMPLE_ROWS rows fill, and a row in PAGE_SPREAD of them is kept (by its position on the page).
  const percent = (table: string) =>
    size(table) <= SAMPLE_ROWS
      ? 100
      : Math.min(100, Math.max(0.01, (100 * SAMPLE_ROWS * PAGE_SPREAD) / size(table)));
  const spread = (table: string) => (size(table) <= SAMPLE_ROWS * PAGE_SPREAD ? 1 : PAGE_SPREAD);
  const users = await rowsOf<{ username: string; displayName: string; email: string; page: number }>(
    db,
    sql`select username, display_name as "displayName", email, (ctid::text::point)[0]::int as page from users
        tablesample system (${sql.raw(percent('users').toFixed(4))})
        where (ctid::text::point)[1]::int % ${spread('users')} = 0 limit ${SAMPLE_ROWS * 2}`,
  );
  const cards = await rowsOf<{ serial: string; page: number }>(
    db,
    sql`select serial, (ctid::text::point)[0]::int as page from cards tablesample system (${sql.raw(percent('cards').toFixed(4))})
        where (ctid::text::point)[1]::int % ${spread('cards')} = 0 limit ${SAMPLE_ROWS * 2}`,
  );
  const userQuarters = users.map((u) => quarter('users', u.page));
  const [folding] = await rowsOf<{ ascii: boolean }>(
    db,
    sql`select lower(${PRINTABLE_ASCII}) = ${PRINTABLE_ASCII.toLowerCase()} as ascii`,
  );
  const foldsAsciiAsAscii = folding?.ascii === true;
  const of = (values: readonly string[], rows: number, quarters: readonly number[]) => ({
    ...columnTrigrams(values, rows, quarters),
    foldsAsciiAsAscii,
  });
  return {
    username: of(
      users.map((u) => u.username),
      size('users'),
      userQuarters,
    ),
    displayName: of(
      users.map((u) => u.displayName),
      size('users'),
      userQuarters,
    ),
    email: of(
      users.map((u) => u.email),
      size('users'),
      userQuarters,
    ),
    serial: of(
      cards.map((c) => c.serial),
      size('cards'),
      cards.map((c) => quarter('cards', c.page)),
    ),
  };
}

/** Every printable ASCII character: what the database's lower() must fold as ASCII does. */
const PRINTABLE_ASCII = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).join('');

/**
 * The statistics of a column from sampled `values` of a table of `rows` rows: which values have each
 * trigram of their search key (db/search-key.ts: lower case, punctuation replaced; only the ASCII
 * characters matter, the only ones a term's index trigrams have). `quarters`: the quarter of the table
 * each value was read from (all in the first when unknown).
 */
export function columnTrigrams(
  values: readonly string[],
  rows: number,
  quarters: readonly number[] = values.map(() => 0),
): ColumnTrigrams {
  const containing = new Map<string, number[]>();
  values.forEach((value, at) => {
    const keys = Array.from(value, (char) => asciiKeyOf(char) ?? char.toLowerCase());
    const seen = new Set<string>();
    for (let i = 0; i + 3 <= keys.length; i++) seen.add(keys.slice(i, i + 3).join(''));
    for (const trigram of seen) {
      const list = containing.get(trigram);
      if (list) list.push(at);
      else containing.set(trigram, [at]);
    }
  });
  return {
    containing,
    sampled: values.length,
    rows: Math.max(rows, values.length),
    values: values.map((value) => value.toLowerCase()),
    quarters,
  };
}

async function rowsOf<T>(db: Database, query: ReturnType<typeof sql>): Promise<T[]> {
  // Both drivers answer `execute` with `rows`.
  const result: unknown = await db.execute(query);
  return (result as { rows: T[] }).rows;
}
