/**
 * What the help desk's searches (User Lookup, Card Search) share: how a term becomes an index-friendly
 * condition, and how far they count.
 *
 * A term of 3 or more characters matches anywhere in a value, any case (ILIKE '%term%'), served by a
 * pg_trgm GIN index on the column's search key ({@link searchKey}). A shorter term cannot use trigrams, so
 * it matches the start of a value (lower(column) LIKE 'term%'), served by a lower(column) text_pattern_ops
 * index. So does a term without a letter or digit (`---`, `%%%`): such a term would make the trigram
 * index read all its entries (a second or more at a million rows). A term common all over a column is
 * checked row by row instead, which stops sooner than the index could ({@link scansInOrder}).
 */
import { sql, type SQL } from 'drizzle-orm';
import { containsPattern, escapeLike } from './like.js';
import { asciiKeyOf, searchKey } from './search-key.js';
import type { ColumnTrigrams } from './search-statistics.js';

/**
 * Searches count matches up to this many; beyond it the answer says "more than" (User Lookup: "More than
 * 100 found"). Each branch of a search reads at most one more matching row than this, so the cap is what
 * a common term costs: at 1,000 a 3-character fragment read some 8,000 rows per column.
 */
export const SEARCH_TOTAL_CAP = 100;

/** Rows each indexed branch of a search may return: one more than the cap proves the cap is passed. */
export const SEARCH_BRANCH_LIMIT = SEARCH_TOTAL_CAP + 1;

/**
 * Whether `term` matches anywhere (else at the start). Characters, not UTF-16 units: PostgreSQL's
 * trigrams count characters too.
 */
export function isContainsTerm(term: string): boolean {
  return Array.from(term).length >= 3 && /[\p{L}\p{N}]/u.test(term);
}

/** A long term's index condition stops adding trigrams once this few rows are expected to pass it. */
const ENOUGH_CANDIDATES = 100;

/** At most this many trigrams of a long term go to the index (each one costs a posting list). */
const MAX_INDEX_TRIGRAMS = 3;

/**
 * The few trigrams of `term`'s search key for the trigram index to intersect, by the column's sampled
 * statistics (see db/search-statistics.ts); undefined when they would not be fewer than the term's own.
 * Each is a piece of the search key (lower case, punctuation replaced; db/search-key.ts).
 *
 * Only runs of 3 ASCII characters of the term itself qualify: lower case folds them one character at a
 * time in every locale, so a value containing the term has each of them in its key, and pg_trgm makes
 * a trigram of each (the key has letters and digits only there).
 *
 * Each step takes the trigram that leaves the fewest sampled values having every trigram taken so far
 * (the rarer trigram on a tie), while more than ENOUGH_CANDIDATES rows are expected to pass, at most
 * MAX_INDEX_TRIGRAMS, never one found in most values. Counting the values that have them together, not
 * multiplying their frequencies, matters: `ros` and `six` of `seed.jose.rossi.550001` are each in 2 % of
 * usernames but in the same 2 % (every Rossi), where `550` narrows them to a few. Once no sampled value
 * is left, the sample cannot tell further trigrams apart: the rarest one that does not overlap a taken
 * one is next, and the expectation multiplies by its frequency.
 *
 * When a term has trigrams that cannot be pieces (a character outside ASCII) and the pieces leave more
 * candidates than that, the whole key is asked instead: its other trigrams may be rare.
 */
export function rareTrigrams(term: string, column: ColumnTrigrams | undefined): string[] | undefined {
  if (!column || column.sampled === 0) return undefined;
  const keys = Array.from(term, asciiKeyOf);
  const candidates: { trigram: string; at: number; values: readonly number[] }[] = [];
  const seen = new Set<string>();
  // Trigrams with a character outside ASCII cannot be pieces; the whole key still asks for them.
  let unpriced = false;
  for (let at = 0; at + 3 <= keys.length; at++) {
    const window = keys.slice(at, at + 3);
    if (window.some((key) => key === undefined)) {
      unpriced = true;
      continue;
    }
    const trigram = window.join('');
    if (seen.has(trigram)) continue;
    seen.add(trigram);
    const values = column.containing.get(trigram) ?? [];
    // A trigram in most values narrows little and costs the longest posting list.
    if (values.length <= column.sampled / 2) candidates.push({ trigram, at, values });
  }
  const picked: typeof candidates = [];
  // The sampled values that have every picked trigram (all of them before the first pick).
  let left: readonly number[] | undefined;
  let expected = column.rows;
  while (expected > ENOUGH_CANDIDATES && picked.length < MAX_INDEX_TRIGRAMS) {
    let best: { candidate: (typeof candidates)[number]; left: readonly number[] } | undefined;
    for (const candidate of candidates) {
      if (picked.includes(candidate)) continue;
      if (left?.length === 0 && picked.some((p) => Math.abs(p.at - candidate.at) < 3)) continue;
      const next = left === undefined ? candidate.values : intersect(left, candidate.values);
      if (
        !best ||
        next.length < best.left.length ||
        (next.length === best.left.length && candidate.values.length < best.candidate.values.length)
      ) {
        best = { candidate, left: next };
      }
    }
    if (!best) break;
    const before = left?.length ?? column.sampled;
    // Nothing the sample can see narrows further.
    if (before > 0 && best.left.length === before) break;
    picked.push(best.candidate);
    // Half a value for none: rare, but not proven absent.
    expected =
      before > 0
        ? (column.rows * Math.max(best.left.length, 0.5)) / column.sampled
        : (expected * Math.max(best.candidate.values.length, 0.5)) / column.sampled;
    left = best.left;
  }
  // `ÜBERX`: `ber` alone leaves tens of thousands of rows to check, where the whole key's `übe` is in
  // none. When the picks narrow too little, the trigrams they leave out may narrow more.
  if (unpriced && expected > ENOUGH_CANDIDATES) return undefined;
  return picked.length > 0 && picked.length < seen.size ? picked.map((p) => p.trigram) : undefined;
}

/** The values in both ascending lists. */
function intersect(a: readonly number[], b: readonly number[]): number[] {
  const both: number[] = [];
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    const x = a[i] ?? 0;
    const y = b[j] ?? 0;
    if (x === y) {
      both.push(x);
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return both;
}

/** A term in at least this share of a column's sampled values is common: its branch reads the table. */
const SCAN_SHARE = 0.015;

/** Fewer sampled values than this containing a term say too little to leave the index for. */
const MIN_SAMPLED_MATCHES = 20;

/** A quarter of the table with at least this many sampled values must have the term too (see below). */
const QUARTER_EVIDENCE = 100;

/**
 * Whether a branch searching `column` for `term` should read the table in order, checking each row, instead
 * of asking the trigram index: when the term is common (in 1.5 % or more of the sampled values) and found
 * all over the table. The branch stops at SEARCH_BRANCH_LIMIT matches, which for a term in 2 % of rows
 * is after some 5,000 rows (4–6 ms on PostgreSQL at a million users), where the index must first read the
 * whole posting list of the term's trigrams: every row that has them (`uki` of Suzuki: 39,000 entries,
 * 15–18 ms per column). The planner cannot see this: it multiplies the estimates of the key condition
 * and the ILIKE as if they were independent, though every row passing one nearly always passes the
 * other, so it expects a few hundred matches where there are tens of thousands and picks the index.
 *
 * "All over" because a scan that starts where the term is absent reads until it comes to it: every
 * quarter of the table that the sample saw enough of must have it in some sampled value. A term that one
 * import put in one part of the table keeps the index. (Asking each quarter for its share of the term
 * kept the index for terms spread evenly: the sample reads whole pages, and a page's rows are alike.)
 */
export function scansInOrder(term: string, column: ColumnTrigrams | undefined): boolean {
  if (!column || column.sampled === 0 || !isContainsTerm(term)) return false;
  const needle = term.toLowerCase();
  const seen = [0, 0, 0, 0];
  const found = [0, 0, 0, 0];
  column.values.forEach((value, at) => {
    const quarter = column.quarters[at] ?? 0;
    seen[quarter] = (seen[quarter] ?? 0) + 1;
    if (value.includes(needle)) found[quarter] = (found[quarter] ?? 0) + 1;
  });
  const matches = found.reduce((sum, n) => sum + n, 0);
  if (matches < MIN_SAMPLED_MATCHES || matches < SCAN_SHARE * column.sampled) return false;
  return seen.every((n, quarter) => n < QUARTER_EVIDENCE || (found[quarter] ?? 0) > 0);
}

/**
 * `column` (raw SQL naming an indexed column, e.g. `u.username`) matches `term`: contains for 3+
 * characters, prefix otherwise. Written so that the planner can use the column's trigram or prefix index.
 *
 * A contains search asks the trigram index (on the column's search key, db/search-key.ts) for the term's
 * key, and checks the ILIKE on the value itself on every row the index finds. With `statistics` for the
 * column, a long term gives the index only its rarest trigrams ({@link rareTrigrams}): the key of every
 * value that contains the term contains each of them, so the answer is the same. A term the statistics
 * call common and spread over the table is checked row by row without the index ({@link scansInOrder}).
 */
export function termMatches(column: SQL, term: string, statistics?: ColumnTrigrams): SQL {
  return columnMatch(column, term, statistics).condition;
}

/**
 * {@link termMatches}, and whether its condition scans the table ({@link scansInOrder}), decided once:
 * User Lookup checks the columns that scan together.
 */
export function columnMatch(
  column: SQL,
  term: string,
  statistics?: ColumnTrigrams,
): { condition: SQL; scans: boolean } {
  if (scansInOrder(term, statistics)) {
    return { condition: scannedMatch(column, term, statistics?.foldsAsciiAsAscii === true), scans: true };
  }
  return { condition: indexedMatch(column, term, statistics), scans: false };
}

/**
 * `column ILIKE '%term%'` for a branch that reads the table in order, where the ILIKE is checked on
 * thousands of rows and is most of the branch's time. Under a collation other than "C" (PostgreSQL's
 * usual `C.UTF-8` or `en_US.UTF-8`), ILIKE lower-cases each value through the C library's wide
 * characters; under "C" it folds ASCII alone, about twice as fast (a common term's scan at a million
 * users: 10.4 against 5.6 ms). When the database folds ASCII as ASCII does (`foldsAsciiAsAscii`, checked by
 * the sample) and the term is ASCII, the two agree on every value that is ASCII too (its length in bytes
 * is its length in characters); any other value is checked as before. So the answer is the same.
 */
function scannedMatch(column: SQL, term: string, foldsAsciiAsAscii: boolean): SQL {
  const pattern = containsPattern(term);
  if (!foldsAsciiAsAscii || !/^\p{ASCII}*$/u.test(term)) return sql`${column} ilike ${pattern}`;
  return sql`(${column} collate "C" ilike ${pattern}
    or (octet_length(${column}) <> char_length(${column}) and ${column} ilike ${pattern}))`;
}

function indexedMatch(column: SQL, term: string, statistics?: ColumnTrigrams): SQL {
  if (isContainsTerm(term)) {
    const key = searchKey(column);
    const rare = rareTrigrams(term, statistics);
    const index = rare
      ? sql.join(
          rare.map((trigram) => sql`${key} like ${`%${trigram}%`}`),
          sql` and `,
        )
      : sql`${key} like '%' || ${searchKey(sql`${term}::text`)} || '%'`;
    return sql`${index} and ${column} ilike ${containsPattern(term)}`;
  }
  // lower() in SQL, not in JavaScript: both sides must fold case the same way. It is folded into a
  // constant at planning, so the prefix index still applies.
  return sql`lower(${column}) like lower(${escapeLike(term)}) || '%'`;
}

/** Clips a counted total to the cap and says whether it was clipped. */
export function cappedTotal(counted: number): { total: number; totalCapped: boolean } {
  return counted > SEARCH_TOTAL_CAP
    ? { total: SEARCH_TOTAL_CAP, totalCapped: true }
    : { total: counted, totalCapped: false };
}
