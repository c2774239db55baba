import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { takeTurnsBetweenStatements } from './pglite-turns.js';

describe('the embedded database between statements', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = new PGlite();
    await db.waitReady;
    takeTurnsBetweenStatements(db);
  });
  afterAll(async () => {
    await db.close();
  });

  it('lets the event loop take a turn before each statement', async () => {
    const order: string[] = [];
    // Work the event loop has waiting (a request read, an answer to send) when statements are queued.
    setImmediate(() => order.push('event loop'));
    await Promise.all([
      db.query('select 1').then(() => order.push('first statement')),
      db.query('select 2').then(() => order.push('second statement')),
    ]);
    expect(order).toEqual(['event loop', 'first statement', 'second statement']);
  });

  it('still answers every statement, in order', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, n) => db.query<{ n: number }>(`select ${n} as n`)),
    );
    expect(answers.map((answer) => answer.rows[0]?.n)).toEqual(Array.from({ length: 20 }, (_, n) => n));
  });
});
