import { describe, expect, it } from 'vitest';
import { toHex } from '../hex.js';
import { encodeGidsMasterfile, GIDS_INITIAL_MASTERFILE, parseGidsMasterfile } from './gids-masterfile.js';

describe('GIDS masterfile', () => {
  it('lays records out as OpenSC reads them: 28 bytes, little-endian ids', () => {
    const bytes = encodeGidsMasterfile(GIDS_INITIAL_MASTERFILE);
    expect(bytes.length).toBe(1 + 5 * 28);
    // Record 2: directory "", name "cardid", DO DF20 in file A012.
    expect(toHex(bytes.slice(29, 57))).toBe(
      '000000000000000000' + '636172646964000000' + '0000' + '20DF0000' + '12A00000',
    );
  });

  it('round-trips', () => {
    expect(parseGidsMasterfile(encodeGidsMasterfile(GIDS_INITIAL_MASTERFILE))).toEqual(
      GIDS_INITIAL_MASTERFILE,
    );
    expect(() => parseGidsMasterfile(Uint8Array.of(2))).toThrow(/version 01/);
  });
});
