import { describe, expect, it } from 'vitest';
import { normalizeAnswer } from './answer-normalization.js';

describe('normalizeAnswer', () => {
  it('ignores case, outer and repeated inner spaces', () => {
    expect(normalizeAnswer('  New   York\t')).toBe('new york');
    expect(normalizeAnswer('NEW YORK')).toBe(normalizeAnswer('new york'));
  });

  it('treats Unicode compatibility forms as the same answer', () => {
    expect(normalizeAnswer('ＰＡＲＩＳ')).toBe('paris');
    expect(normalizeAnswer('Cafe\u0301')).toBe(normalizeAnswer('Café'));
    expect(normalizeAnswer('ﬁsh')).toBe('fish');
    expect(normalizeAnswer('Ærø\u00a0island')).toBe('ærø island');
  });

  it('keeps different answers different', () => {
    expect(normalizeAnswer('paris')).not.toBe(normalizeAnswer('pari s'));
  });
});
