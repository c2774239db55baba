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

/**
 * `column` (raw SQL naming an indexed column, e.g. `u.username`) matches `term`: contains for 3+
 * characters, prefix otherwise. Written so that the planner can use the column's trigram or prefix index.
 */
export function termMatches(column: SQL, term: string): SQL {
  if (isContainsTerm(term)) return sql`${column} ilike ${containsPattern(term)}`;
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
