import { describe, expect, it } from 'vitest';
import { describeDatabaseFailure } from './database-failure.js';

/** An error as Drizzle wraps a driver's error. */
function wrapped(cause: object): Error {
  return new Error('Failed query: select 1', { cause });
}

describe('describeDatabaseFailure', () => {
  it('names a full disk, from PostgreSQL (53100) or from the file system (ENOSPC)', () => {
    expect(describeDatabaseFailure(wrapped({ code: '53100', message: 'could not extend file' }))).toMatch(
      /disk .* is full/,
    );
    expect(
      describeDatabaseFailure(
        wrapped({ message: 'could not extend file "base/5/1": No space left on device' }),
      ),
    ).toMatch(/disk .* is full/);
  });

  it('recognises a database that is down, starting, frozen or too slow', () => {
    for (const cause of [
      { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5432' },
      { code: '57P03', message: 'the database system is starting up' },
      { code: '08006', message: 'connection failure' },
      { message: 'timeout exceeded when trying to connect' },
      { message: 'Query read timeout' },
      { message: 'Connection terminated unexpectedly' },
      { code: '57014', message: 'canceling statement due to statement timeout' },
      { code: '40P01', message: 'deadlock detected' },
    ]) {
      expect(describeDatabaseFailure(wrapped(cause)), JSON.stringify(cause)).toBeDefined();
    }
  });

  it('leaves bugs and constraint violations alone (they stay a 500 or their own 4xx)', () => {
    expect(describeDatabaseFailure(new TypeError('x is undefined'))).toBeUndefined();
    expect(describeDatabaseFailure(wrapped({ code: '23505', message: 'duplicate key' }))).toBeUndefined();
    expect(
      describeDatabaseFailure(wrapped({ code: '42P01', message: 'relation does not exist' })),
    ).toBeUndefined();
  });
});
