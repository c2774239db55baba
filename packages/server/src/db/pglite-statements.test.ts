import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPglitePrepared } from './pglite-statements.js';

describe('prepared statements on the embedded database', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = new PGlite();
    await db.waitReady;
  });
  afterAll(async () => {
    await db.close();
  });

  it('sends an array parameter element for element, whatever its characters', async () => {
    const values = ['plain', 'a "quoted" one', 'back\\slash', '{braces,comma}', ' spaced ', 'NULL', '', null];
    const rows = await runPglitePrepared(
      { db, inTransaction: false },
      'test_unnest_text',
      'select v, n from unnest($1::text[]) with ordinality as t(v, n) order by n',
      [values],
    );
    expect(rows.map((row) => row['v'])).toEqual(values);
  });

  it('sends numbers in an array as numbers', async () => {
    const rows = await runPglitePrepared(
      { db, inTransaction: false },
      'test_sum_float',
      'select sum(x)::float8 as total from unnest($1::float8[]) as x',
      [[1.5, 2, -0.25]],
    );
    expect(rows[0]?.['total']).toBe(3.25);
  });
});
