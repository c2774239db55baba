import { describe, expect, it } from 'vitest';
import { viewChallenge } from './challenge-view.js';

describe('viewChallenge', () => {
  it('reads spaces, dashes and lower case, and is complete at the expected length', () => {
    const view = viewChallenge('0557 897f 8D84-407b', 16);
    expect(view.complete).toBe(true);
    expect(view.digits).toBe('0557897F8D84407B');
    expect(view.groups).toEqual(['0557', '897F', '8D84', '407B']);
    expect(view.progress).toBe('16 of 16 characters — complete');
    expect(view.phonetic).toBe(
      'zero five five seven, eight nine seven foxtrot, eight delta eight four, four zero seven bravo',
    );
    expect(view.error).toBeNull();
  });

  it('shows progress without an error while incomplete', () => {
    const view = viewChallenge('0557 897f 8D', 16);
    expect(view.complete).toBe(false);
    expect(view.progress).toBe('10 of 16 characters');
    expect(view.groups).toEqual(['0557', '897F', '8D']);
    expect(view.error).toBeNull();
    expect(view.phonetic).toBeNull();
  });

  it('corrects look-alikes and says so, with the position', () => {
    const view = viewChallenge('O557 897f 8D84 4l7B', 16);
    expect(view.digits).toBe('0557897F8D84417B');
    expect(view.corrections).toEqual(['Read “O” at position 1 as 0.', 'Read “l” at position 17 as 1.']);
    expect(view.complete).toBe(true);
  });

  it('names a bad character and its position', () => {
    const view = viewChallenge('0557 X97f', 16);
    expect(view.error).toBe('“X” at position 6 is not a hex digit: use 0–9 and A–F.');
    expect(view.complete).toBe(false);
    expect(viewChallenge('05G7 X', 16).error).toBe('Not hex digits: “G” (3), “X” (6). Use 0–9 and A–F.');
    expect(viewChallenge('05\t7', 16).error).toBeNull();
    expect(viewChallenge('05\u00007', 16).error).toContain('U+0000');
  });

  it('says when the challenge is too long', () => {
    const view = viewChallenge('0557897F8D84407B40', 16);
    expect(view.error).toMatch(/Too long: 18 characters, the challenge has 16/);
    expect(view.complete).toBe(false);
  });

  it('expects the length it is given: 32 digits for AES keys', () => {
    expect(viewChallenge('0'.repeat(16), 32).complete).toBe(false);
    expect(viewChallenge('0'.repeat(32), 32).complete).toBe(true);
  });
});
