import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../hex.js';
import { ApduFormatError, encodeCommandApdu, parseCommandApdu } from './command-apdu.js';

describe('command APDUs (ISO 7816-4 short cases)', () => {
  it('parses the four cases', () => {
    expect(parseCommandApdu(fromHex('00200082'))).toEqual({
      cla: 0,
      ins: 0x20,
      p1: 0,
      p2: 0x82,
      data: new Uint8Array(),
    });
    expect(parseCommandApdu(fromHex('00FD000000'))).toMatchObject({ ins: 0xfd, le: 256 });
    const case3 = parseCommandApdu(fromHex('002280A403830180'));
    expect(toHex(case3.data)).toBe('830180');
    expect(case3.le).toBeUndefined();
    const case4 = parseCommandApdu(fromHex('00CB3FFF045C027F7100'));
    expect(toHex(case4.data)).toBe('5C027F71');
    expect(case4.le).toBe(256);
  });

  it('reads yubico-piv-tool’s 5-byte VERIFY status query as no data (reference §3.5)', () => {
    const verify = parseCommandApdu(fromHex('0020008000'));
    expect(verify.data.length).toBe(0);
  });

  it('refuses lengths that do not add up, and extended length', () => {
    expect(() => parseCommandApdu(fromHex('002000'))).toThrow(ApduFormatError);
    expect(() => parseCommandApdu(fromHex('0020008008313131'))).toThrow(/does not match Lc = 8/);
    expect(() => parseCommandApdu(fromHex('00200080000001FF'))).toThrow(/extended/);
  });

  it('encodes byte-exact what the reference shows, and round-trips', () => {
    const apdu = { cla: 0, ins: 0x87, p1: 0, p2: 0, data: fromHex('7C028100'), le: 256 };
    expect(toHex(encodeCommandApdu(apdu))).toBe('00870000047C02810000');
    expect(parseCommandApdu(encodeCommandApdu(apdu))).toEqual(apdu);
    expect(() => encodeCommandApdu({ ...apdu, p1: 256 })).toThrow(/P1 must be a byte/);
  });
});
