import { describe, expect, it } from 'vitest';
import { analyzeChallenge, parseChallenge } from './challenge.js';

describe('parseChallenge', () => {
  it('accepts lower case, spaces and dashes', () => {
    const result = parseChallenge('0557 897f 8D84-407B', [16]);
    expect(result).toMatchObject({ ok: true, hex: '0557897F8D84407B', corrections: [] });
    if (result.ok) expect(Array.from(result.bytes)).toEqual([5, 87, 137, 127, 141, 132, 64, 123]);
  });

  it('maps O to 0 and I/L to 1, and says where it did', () => {
    const result = parseChallenge('O557 897F 8D84 4l7B', [16]);
    expect(result).toMatchObject({
      ok: true,
      hex: '0557897F8D84417B',
      corrections: [
        { position: 1, from: 'O', to: '0' },
        { position: 17, from: 'l', to: '1' },
      ],
    });
    expect(parseChallenge('iIlLoO00 00000000')).toMatchObject({ ok: true, hex: '1111000000000000' });
  });

  it('names a character that is not a hex digit and where it stands', () => {
    expect(parseChallenge('0557X97F8D84407B', [16])).toEqual({
      ok: false,
      problem: {
        code: 'challenge.bad_character',
        message: "'X' at position 5 is not a hex digit (use 0-9 and A-F)",
        position: 5,
        character: 'X',
      },
    });
    const tab = parseChallenge('0557\u0000897F8D84407B', [16]);
    expect(tab).toMatchObject({
      ok: false,
      problem: { message: expect.stringMatching(/^U\+0000 at position 5/) },
    });
  });

  it('checks the length against what the card uses', () => {
    expect(parseChallenge('0557 897F 8D84 40', [16])).toMatchObject({
      ok: false,
      problem: { code: 'challenge.bad_length', message: 'challenge was 14 hex characters, expected 16' },
    });
    expect(parseChallenge('0557897F8D84407B', [32])).toMatchObject({
      ok: false,
      problem: { message: 'challenge was 16 hex characters, expected 32' },
    });
    expect(parseChallenge('0557897F8D84407B00')).toMatchObject({
      ok: false,
      problem: { message: 'challenge was 18 hex characters, expected 16 or 32' },
    });
    expect(parseChallenge('00112233445566778899aabbccddeeff')).toMatchObject({ ok: true });
  });

  it('calls an empty or separator-only entry empty', () => {
    expect(parseChallenge(' - ')).toMatchObject({ ok: false, problem: { code: 'challenge.empty' } });
  });

  it('accepts dashes that word processors and phones produce', () => {
    expect(parseChallenge('0557\u2013897F\u00a08D84\u2011407B', [16])).toMatchObject({ ok: true });
  });
});

describe('analyzeChallenge', () => {
  it('reports progress while the challenge is typed', () => {
    const partial = analyzeChallenge('0557 89', [16]);
    expect(partial).toMatchObject({
      digits: '055789',
      complete: false,
      problem: { code: 'challenge.bad_length' },
    });
    expect(analyzeChallenge('0557897F8D84407B', [16]).complete).toBe(true);
  });

  it('lists every bad character, counting positions by code point', () => {
    const analysis = analyzeChallenge('😀5G7', [16]);
    expect(analysis.badCharacters).toEqual([
      { position: 1, character: '😀' },
      { position: 3, character: 'G' },
    ]);
  });
});
