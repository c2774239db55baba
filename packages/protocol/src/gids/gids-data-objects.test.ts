import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../hex.js';
import { GIDS_AID } from './gids-commands.js';
import { encodeGidsFci, encodeGidsPinStatus, parseGidsFci, parseGidsPinStatus } from './gids-data-objects.js';

describe('GIDS data objects', () => {
  it('encodes the SELECT answer of the reference applet (§2.1)', () => {
    expect(toHex(encodeGidsFci(GIDS_AID))).toBe(
      '61124F0BA000000397425446590201730340 01C0'.replace(/ /g, ''),
    );
  });

  it('reads the version as OpenSC does', () => {
    expect(parseGidsFci(encodeGidsFci(GIDS_AID)).version).toBe('v2');
    expect(parseGidsFci(fromHex('6F00')).version).toBe('generic');
    expect(parseGidsFci(fromHex('61')).aid).toBeUndefined();
  });

  it('reads the PIN status observed before and after an unblock (§2.5)', () => {
    expect(parseGidsPinStatus(fromHex('7F7106970100930103'))).toEqual({ triesLeft: 0, tryLimit: 3 });
    expect(toHex(encodeGidsPinStatus({ triesLeft: 3, tryLimit: 3 }))).toBe('7F7106970103930103');
    expect(parseGidsPinStatus(fromHex('7F71049F170102'))).toEqual({ triesLeft: 2, tryLimit: undefined });
    expect(() => parseGidsPinStatus(fromHex('7F7103930103'))).toThrow(/tries-left/);
  });
});
