import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../hex.js';
import { encryptCbcZeroIv } from './cbc.js';
import { decryptEcb, encryptEcb } from './admin-key.js';
import {
  checkGidsCardCryptogram,
  checkGidsHostCryptogram,
  gidsCardCryptogram,
  gidsHostCryptogram,
  gidsMutualPadding,
} from './gids-mutual-auth.js';

// gids-tool --unblock against GidsApplet, K_def (reference §4, "GIDS mutual trace").
const KEY = fromHex('010203040506070801020304050607080102030405060708');
const randoms = {
  r1: fromHex('72D7BA438DA3CEBBA688081C6D7A018D'),
  r2: fromHex('E1F063F55BCC4C3BF5517C76AB4D1220'),
};
const HOST = 'A9B1BB53B1FF2269B242A75EBDF29695EB0D4B500CCA9BF376E6D5038BB9F812D39F292C104C6DAF';
const CARD = 'D4042716D99386B177C7B3D9798725518FD0B4F5AE205B740814FAC0B9875C6992528571AC80E399';

describe('GIDS mutual authentication', () => {
  it('reproduces the recorded host and card cryptograms', () => {
    expect(toHex(gidsHostCryptogram('3des', KEY, randoms, fromHex('4B12C5248865BB80')))).toBe(HOST);
    expect(toHex(gidsCardCryptogram('3des', KEY, randoms, fromHex('6C5544797A911180')))).toBe(CARD);
  });

  it('accepts the recorded cryptograms on both sides and refuses others', () => {
    expect(checkGidsHostCryptogram('3des', KEY, randoms, fromHex(HOST))).toBe(true);
    expect(checkGidsCardCryptogram('3des', KEY, randoms, fromHex(CARD))).toBe(true);
    const swapped = { r1: randoms.r2, r2: randoms.r1 };
    expect(checkGidsHostCryptogram('3des', KEY, swapped, fromHex(HOST))).toBe(false);
    const wrongKey = fromHex('000102030405060708090A0B0C0D0E0F1011121314151617');
    expect(checkGidsHostCryptogram('3des', wrongKey, randoms, fromHex(HOST))).toBe(false);
    expect(checkGidsHostCryptogram('3des', KEY, randoms, fromHex(HOST).slice(0, 32))).toBe(false);
  });

  it('needs CBC: ECB decryption matches only the first block', () => {
    const ecb = toHex(decryptEcb('3des', KEY, fromHex(HOST)));
    expect(ecb.slice(0, 16)).toBe('E1F063F55BCC4C3B');
    expect(ecb.slice(16, 24)).toBe('5CE0C725');
  });

  it('pads Z to one block ending in 80, and works with AES', () => {
    const z = gidsMutualPadding('aes128');
    expect(z.length).toBe(16);
    expect(z[15]).toBe(0x80);
    const aesKey = fromHex('000102030405060708090A0B0C0D0E0F');
    const host = gidsHostCryptogram('aes128', aesKey, randoms);
    expect(host.length).toBe(48);
    expect(checkGidsHostCryptogram('aes128', aesKey, randoms, host)).toBe(true);
  });

  it('CBC with a zero IV equals ECB for one block', () => {
    const block = fromHex('0557897F8D84407B');
    expect(toHex(encryptCbcZeroIv('3des', KEY, block))).toBe(toHex(encryptEcb('3des', KEY, block)));
    expect(toHex(encryptCbcZeroIv('3des', KEY, block))).toBe('7716F4B2D7214EB2');
  });
});
