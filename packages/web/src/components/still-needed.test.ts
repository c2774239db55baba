import { describe, expect, it } from 'vitest';
import { stillNeeded } from './still-needed.js';

describe('stillNeeded', () => {
  it('names the fields still empty, in order', () => {
    expect(stillNeeded(['card serial', false, 'card profile', null])).toBe(
      'Still needed: card serial, card profile.',
    );
  });

  it('is null once nothing is missing', () => {
    expect(stillNeeded([false, undefined, ''])).toBeNull();
  });
});
