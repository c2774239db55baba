import { fromHex, toHex } from '@cardwarden/protocol/hex';
import { describe, expect, it } from 'vitest';
import { encodeVpcdFrame, VpcdFrameDecoder } from './vpcd-framing.js';

describe('vpcd framing', () => {
  it('prefixes the big-endian length', () => {
    expect(toHex(encodeVpcdFrame(fromHex('04')))).toBe('000104');
    expect(toHex(encodeVpcdFrame(fromHex('3B80800101')))).toBe('00053B80800101');
  });

  it('reassembles frames split across and joined within segments, as strace showed vpcd 0.8 send them', () => {
    const decoder = new VpcdFrameDecoder();
    expect(decoder.push(fromHex('0001'))).toEqual([]);
    expect(decoder.push(fromHex('04')).map(toHex)).toEqual(['04']);
    expect(decoder.push(fromHex('0001000002')).map(toHex)).toEqual(['00']);
    expect(decoder.push(fromHex('0102000100')).map(toHex)).toEqual(['0102', '00']);
  });
});
