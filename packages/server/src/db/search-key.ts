/**
 * The search key of a value: what the trigram indexes of User Lookup and Card Search index, and what a
 * term is looked up as. It is `lower(value)` with ASCII punctuation and the space turned into letters.
 *
 * Why: pg_trgm makes trigrams of letters and digits only; any other character ends a word. So for
 * `ILIKE '%Ez.%'` it can only ask the index for words ending in "ez" (`ez `), which nearly 100,000 display
 * names have although none contains "ez.", and `100%` becomes "a word ending in 100". In the key, "ez." is
 * `ezx` and "100%" is `100z`: trigrams as selective as any other. A value's key contains the key of every
 * term the value contains (the key maps one character to one character, after the same lower() that ILIKE
 * applies), so an index condition on the key finds every row the ILIKE finds, plus a few whose
 * punctuation maps to a letter they have in the same place (`ez.` and `ezx`); the ILIKE on the value
 * itself is always checked too. The key also has no LIKE wildcard or escape character left.
 *
 * The indexes (schema.ts) are expression indexes over exactly this SQL; the planner only uses them for a
 * condition written the same way, so both come from {@link searchKey}.
 */
import { sql, type SQL } from 'drizzle-orm';

/**
 * The characters the key replaces: the space and every ASCII punctuation character but `;` (drizzle-kit
 * cannot keep a `;` in an index expression; it stays a word break, as before).
 */
export const SEARCH_KEY_FROM = ` .@-_%\\!"#$&'()*+,/:<=>?[]^\`{|}~`;
/**
 * What replaces them, one for one: letters rare in names, a letter of their own for the characters found
 * in usernames and emails (`.` `@` `-` `_`), `q` for the rest.
 */
export const SEARCH_KEY_TO = `qxjkvzz${'q'.repeat(25)}`;

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** `value`'s search key in SQL (the expression the trigram indexes are built on). */
export function searchKey(value: SQL): SQL {
  return sql`translate(lower(${value}), ${sql.raw(literal(SEARCH_KEY_FROM))}, ${sql.raw(literal(SEARCH_KEY_TO))})`;
}

/**
 * The search key of one ASCII character as PostgreSQL makes it (lower case, punctuation replaced), or
 * undefined for any other character: lower() of those depends on the database's locale.
 */
export function asciiKeyOf(char: string): string | undefined {
  if (/^[A-Za-z0-9]$/.test(char)) return char.toLowerCase();
  const at = SEARCH_KEY_FROM.indexOf(char);
  return char.length === 1 && at >= 0 ? SEARCH_KEY_TO[at] : undefined;
}
