import { describe, expect, it } from 'vitest';
import { ConfigError } from './config.js';
import { describeFailure, StartupError } from './fixable-errors.js';

describe('describeFailure', () => {
  it('prints a fixable error as it is worded, on one line', () => {
    expect(describeFailure(new ConfigError('PORT must be a whole number'))).toBe(
      'PORT must be a whole number',
    );
    expect(describeFailure(new StartupError('port 80 is in use\nsecond line'))).toBe('port 80 is in use');
  });

  it('explains system errors with the path and what to do', () => {
    const error = Object.assign(new Error("EACCES: permission denied, open '/data/kek.key'"), {
      code: 'EACCES',
      path: '/data/kek.key',
    });
    expect(describeFailure(error)).toBe(
      'permission denied on /data/kek.key [EACCES]: let the user that runs Cardwarden read and write it (check the owner and mode)',
    );
  });

  it('reads what PGlite and the PostgreSQL driver throw, never [object Object] nor a stack', () => {
    expect(describeFailure({ name: 'ErrnoError', errno: 51 })).toBe(
      'the disk is full [ENOSPC]: free some space, then start again',
    );
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
      address: '127.0.0.1',
      port: 5432,
    });
    expect(describeFailure(new AggregateError([refused]))).toBe(
      'the connection was refused on 127.0.0.1:5432 [ECONNREFUSED]: check that the server runs there',
    );
    for (const thrown of [
      { weird: true },
      new Error('boom'),
      'text',
      null,
      { name: 'ErrnoError', errno: 999 },
    ]) {
      const line = describeFailure(thrown);
      expect(line).not.toContain('[object Object]');
      expect(line).not.toMatch(/\n|\s+at /);
      expect(line.length).toBeGreaterThan(10);
    }
  });
});
