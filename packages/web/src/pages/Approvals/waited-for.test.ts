import { describe, expect, it } from 'vitest';
import { waitedFor } from './waited-for.js';

describe('waitedFor', () => {
  const since = '2026-01-01T10:00:00.000Z';
  const at = (seconds: number) => Date.parse(since) + seconds * 1000;

  it('says how long a request has waited, in minutes, then hours and minutes', () => {
    expect(waitedFor(since, at(20))).toBe('less than a minute');
    expect(waitedFor(since, at(4 * 60 + 59))).toBe('4 min');
    expect(waitedFor(since, at(65 * 60))).toBe('1 h 5 min');
  });

  it('never shows a negative wait when clocks differ', () => {
    expect(waitedFor(since, at(-30))).toBe('less than a minute');
  });
});
