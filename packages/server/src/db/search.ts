/**
 * What the help desk's searches (User Lookup, Card Search) share: how a term becomes an index-friendly
 * condition, and how far they count.
 *
 * A term of 3 or more characters matches anywhere in a value, any case (ILIKE '%term%'), served by a
 * pg_trgm GIN index on the column. A shorter term cannot use trigrams, so it matches the start of a value
 * (lower(column) LIKE 'term%'), served by a lower(column) text_pattern_ops index. So does a term without
 * a letter or digit (`---`, `%%%`): trigrams are made of letters and digits, so such a term would make the
 * trigram index read all its entries (a second or more at a million rows).
 */
import { sql, type SQL } from 'drizzle-orm';
import { containsPattern, escapeLike } from './like.js';
import type { ColumnTrigrams } from './search-statistics.js';

/** Searches count matches up to this many; beyond it the answer says "more than". */
export const SEARCH_TOTAL_CAP = 1000;

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
 * The few rarest trigrams of `term` for the trigram index to intersect, by the column's sampled
 * statistics (see db/search-statistics.ts); undefined when they would not be fewer than the term's own.
 *
 * Only runs of 3 ASCII letters or digits of the term itself qualify: pg_trgm makes a trigram of each,
 * and lower case folds them one character at a time in every locale, so a value containing the term
 * contains each of them in any case. Trigrams that overlap are not picked together (they are found in
 * the same rows); the next one is taken while the expected candidates (the product of the picked
 * trigrams' frequencies) are more than ENOUGH_CANDIDATES, but never one found in most rows.
 */
export function rareTrigrams(term: string, column: ColumnTrigrams | undefined): string[] | undefined {
  if (!column || column.sampled === 0) return undefined;
  const chars = Array.from(term);
  const candidates: { trigram: string; at: number; count: number }[] = [];
  const seen = new Set<string>();
  for (let at = 0; at + 3 <= chars.length; at++) {
    const trigram = chars.slice(at, at + 3).join('');
    const key = trigram.toLowerCase();
    if (!/^[a-z0-9]{3}$/.test(key) || seen.has(key)) continue;
    seen.add(key);
    candidates.push({ trigram, at, count: column.counts.get(key) ?? 0 });
  }
  candidates.sort((a, b) => a.count - b.count || a.at - b.at);
  const picked: typeof candidates = [];
  let expected = column.rows;
  for (const candidate of candidates) {
    if (expected <= ENOUGH_CANDIDATES || picked.length === MAX_INDEX_TRIGRAMS) break;
    // A trigram in most rows narrows nothing and costs the longest posting list.
    if (candidate.count > column.sampled / 2) break;
    if (picked.some((p) => Math.abs(p.at - candidate.at) < 3)) continue;
    picked.push(candidate);
    // Half a value for a trigram the sample never saw: rare, but not proven absent.
    expected *= Math.max(candidate.count, 0.5) / column.sampled;
  }
  return picked.length > 0 && picked.length < candidates.length ? picked.map((p) => p.trigram) : undefined;
}

/**
 * `column` (raw SQL naming an indexed column, e.g. `u.username`) matches `term`: contains for 3+
 * characters, prefix otherwise. Written so that the planner can use the column's trigram or prefix index.
 *
 * With `statistics` for the column, a long term gives the index only its rarest trigrams
 * ({@link rareTrigrams}) and every row the index finds is then checked against the whole term; the
 * whole term is written on `column || ''`, which no index serves, so that the planner does not hand its
 * trigrams to the index as well. `column ILIKE '%tri%'` for a piece of the term is true of every row that
 * contains the term, so the answer is the same.
 */
export function termMatches(column: SQL, term: string, statistics?: ColumnTrigrams): SQL {
  if (isContainsTerm(term)) {
    const rare = rareTrigrams(term, statistics);
    if (!rare) return sql`${column} ilike ${containsPattern(term)}`;
    const pieces = rare.map((trigram) => sql`${column} ilike ${containsPattern(trigram)}`);
    return sql`(${column} || '') ilike ${containsPattern(term)} and ${sql.join(pieces, sql` and `)}`;
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
