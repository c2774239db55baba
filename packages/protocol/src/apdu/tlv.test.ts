import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../hex.js';
import { encodeTlv, findTlv, parseTlvs, TlvFormatError } from './tlv.js';

describe('BER-TLV', () => {
  it('reads one- and two-byte tags and long lengths', () => {
    const tlvs = parseTlvs(fromHex('7F7106970100930103' + 'DF2010' + '00112233445566778899AABBCCDDEEFF'));
    expect(tlvs.map((t) => t.tag)).toEqual([0x7f71, 0xdf20]);
    expect(toHex(tlvs[0]!.value)).toBe('970100930103');
    const long = encodeTlv(0x53, new Uint8Array(300));
    expect(toHex(long.slice(0, 4))).toBe('5382012C');
    expect(parseTlvs(long)[0]!.value.length).toBe(300);
    expect(toHex(encodeTlv(0x70, new Uint8Array(200)).slice(0, 3))).toBe('7081C8');
  });

  it('skips 00/FF padding and finds a tag', () => {
    expect(toHex(findTlv(fromHex('00FF4F02A000'), 0x4f)!)).toBe('A000');
    expect(findTlv(fromHex('4F00'), 0x50)).toBeUndefined();
  });

  it('says where malformed data ends', () => {
    expect(() => parseTlvs(fromHex('4F05A000'))).toThrow(TlvFormatError);
    expect(() => parseTlvs(fromHex('7F'))).toThrow(/ends inside a tag/);
  });
});
