import { describe, expect, it } from 'vitest';
import { formatGrouped, groupHex, phoneticReadBack } from './read-back.js';

describe('read-back', () => {
  it('groups in fours', () => {
    expect(groupHex('7716f4b2d7214eb2')).toEqual(['7716', 'F4B2', 'D721', '4EB2']);
    expect(formatGrouped('00112233445566778899AABBCCDDEEFF')).toBe('0011 2233 4455 6677 8899 AABB CCDD EEFF');
  });

  it('reads back phonetically', () => {
    expect(phoneticReadBack('7716F4B2')).toBe('seven seven one six, foxtrot four bravo two');
    expect(phoneticReadBack('ACDE')).toBe('alfa charlie delta echo');
  });
});
