import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../hex.js';
import {
  gidsDeauthenticate,
  gidsExternalResponse,
  gidsGetData,
  gidsMseSetAdminKey,
  gidsMutualHostChallenge,
  gidsMutualHostCryptogram,
  gidsRequestChallenge,
  gidsResetRetryCounter,
  gidsSelect,
  gidsVerifyPin,
  MSE_MUTUAL_AUTH,
} from './gids-commands.js';
import { asciiBytes } from '../apdu/bytes.js';

// Every expected value is an APDU from reference §2 and §4, as OpenSC and GidsApplet exchanged them.
describe('GIDS commands', () => {
  it('selects as OpenSC detects (P2 00 + Le) and as gids-tool does (P2 0C)', () => {
    expect(toHex(gidsSelect())).toBe('00A4040009A0000003974254465900');
    expect(toHex(gidsSelect({ fci: false }))).toBe('00A4040C09A00000039742544659');
  });

  it('builds external authentication (§2.3)', () => {
    expect(toHex(gidsMseSetAdminKey())).toBe('002281A403830180');
    expect(toHex(gidsRequestChallenge())).toBe('00870000047C02810000');
    expect(toHex(gidsExternalResponse(fromHex('7716F4B2D7214EB2')))).toBe(
      '008700000C7C0A82087716F4B2D7214EB2',
    );
  });

  it('builds the mutual authentication of the recorded trace (§4)', () => {
    expect(toHex(gidsMseSetAdminKey(MSE_MUTUAL_AUTH))).toBe('0022C1A403830180');
    expect(toHex(gidsMutualHostChallenge(fromHex('72D7BA438DA3CEBBA688081C6D7A018D')))).toBe(
      '00870000147C12811072D7BA438DA3CEBBA688081C6D7A018D00',
    );
    const cryptogram = fromHex(
      'A9B1BB53B1FF2269B242A75EBDF29695EB0D4B500CCA9BF376E6D5038BB9F812D39F292C104C6DAF',
    );
    expect(toHex(gidsMutualHostCryptogram(cryptogram))).toBe('008700002C7C2A8228' + toHex(cryptogram) + '00');
  });

  it('builds PIN commands and GET DATA (§2.3a, §2.5)', () => {
    expect(toHex(gidsResetRetryCounter(asciiBytes('11223344')))).toBe('002C0280083131323233333434');
    expect(toHex(gidsVerifyPin(asciiBytes('11111111')))).toBe('00200080083131313131313131');
    expect(toHex(gidsDeauthenticate())).toBe('00200082');
    expect(toHex(gidsGetData(0x3fff, 0x7f71))).toBe('00CB3FFF045C027F7100');
    expect(toHex(gidsGetData(0xa012, 0xdf20))).toBe('00CBA012045C02DF2000');
  });
});
