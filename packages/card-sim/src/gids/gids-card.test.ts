import { fromHex, toHex } from '@cardwarden/protocol/hex';
import { asciiBytes, parseDynamicAuth, parseResponseApdu } from '@cardwarden/protocol/apdu';
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
} from '@cardwarden/protocol/gids';
import {
  checkGidsCardCryptogram,
  computeAdminResponse,
  gidsHostCryptogram,
} from '@cardwarden/protocol/crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { GidsCard } from './gids-card.js';
import { newGidsCardState, type GidsCardState } from './gids-card-state.js';

const KEY_HEX = '010203040506070801020304050607080102030405060708';
const KEY = fromHex(KEY_HEX);
const WRONG_KEY = fromHex('0F0E0D0C0B0A09080F0E0D0C0B0A09080F0E0D0C0B0A0908');

function sendTo(card: GidsCard) {
  return (hex: string | Uint8Array) => {
    const { data, sw } = parseResponseApdu(card.process(typeof hex === 'string' ? fromHex(hex) : hex));
    return { data, sw: sw.toString(16).toUpperCase() };
  };
}

describe('software GIDS card', () => {
  let saved: GidsCardState[];
  let card: GidsCard;
  let send: ReturnType<typeof sendTo>;

  beforeEach(() => {
    saved = [];
    const state = newGidsCardState({
      serial: '00112233445566778899AABBCCDDEEFF',
      algorithm: '3des',
      adminKey: KEY_HEX,
      pin: '12345678',
    });
    card = new GidsCard(state, (next) => saved.push(structuredClone(next)));
    send = sendTo(card);
  });

  function challenge(): Uint8Array {
    expect(send(gidsMseSetAdminKey()).sw).toBe('9000');
    const answer = send(gidsRequestChallenge());
    expect(answer.sw).toBe('9000');
    return parseDynamicAuth(answer.data).challenge!;
  }

  function blockPin(): void {
    for (const expected of ['63C2', '63C1', '63C0', '6983'])
      expect(send(gidsVerifyPin(asciiBytes('00000000'))).sw).toBe(expected);
  }

  it('answers only its AID, by any prefix of 5 bytes or more, with the FCI OpenSC expects', () => {
    expect(send('00A404000BA000000397425446590201').data).toEqual(
      fromHex('61124F0BA0000003974254465902017303400100'.replace(/00$/, 'C0')),
    );
    expect(send(gidsSelect({ fci: false }))).toEqual({ data: new Uint8Array(), sw: '9000' });
    expect(send('00A4040007A0000000010101').sw).toBe('6A82');
    expect(send('00A4040002A000').sw).toBe('6A82');
  });

  it('is not PIV or anything else before selection', () => {
    card.reset();
    expect(send('00CB3FFF035C017E00').sw).toBe('6A82');
    expect(send('00CADF3000').sw).toBe('6D00');
  });

  it('reads the serial and the PIN status', () => {
    send(gidsSelect());
    expect(toHex(send(gidsGetData(0xa012, 0xdf20)).data)).toBe('DF201000112233445566778899AABBCCDDEEFF');
    expect(toHex(send(gidsGetData(0x3fff, 0x7f71)).data)).toBe('7F7106970103930103');
    expect(send(gidsGetData(0xa012, 0xdf99)).sw).toBe('6A82');
  });

  it('counts wrong PINs to blocked and persists every count', () => {
    send(gidsSelect());
    blockPin();
    expect(saved.at(-1)?.pinTriesLeft).toBe(0);
    expect(toHex(send(gidsGetData(0x3fff, 0x7f71)).data)).toBe('7F7106970100930103');
    expect(send(gidsVerifyPin(asciiBytes('12345678'))).sw).toBe('6983');
  });

  it('unblocks with an external authentication, then forgets the admin session', () => {
    send(gidsSelect());
    blockPin();
    const c = challenge();
    expect(c.length).toBe(8);
    expect(send(gidsExternalResponse(computeAdminResponse('3des', KEY, c))).sw).toBe('9000');
    expect(send(gidsResetRetryCounter(asciiBytes('11223344'))).sw).toBe('9000');
    expect(send(gidsResetRetryCounter(asciiBytes('11223344'))).sw).toBe('6982');
    expect(send(gidsVerifyPin(asciiBytes('11223344'))).sw).toBe('9000');
    expect(saved.at(-1)).toMatchObject({ pin: '11223344', pinTriesLeft: 3 });
  });

  it('gives fresh challenges and refuses a replayed response', () => {
    send(gidsSelect());
    const first = challenge();
    const second = challenge();
    expect(toHex(first)).not.toBe(toHex(second));
    const response = computeAdminResponse('3des', KEY, second);
    expect(send(gidsExternalResponse(response)).sw).toBe('9000');
    expect(send(gidsExternalResponse(response)).sw).toBe('6985');
    send(gidsMseSetAdminKey());
    expect(send(gidsExternalResponse(response)).sw).toBe('6985');
  });

  it('counts wrong responses down to blocked for ever, and a right one restores the count', () => {
    send(gidsSelect());
    expect(send(gidsExternalResponse(computeAdminResponse('3des', WRONG_KEY, challenge()))).sw).toBe('63C2');
    expect(send(gidsExternalResponse(computeAdminResponse('3des', KEY, challenge()))).sw).toBe('9000');
    expect(saved.at(-1)?.adminTriesLeft).toBe(3);
    for (const expected of ['63C2', '63C1', '63C0']) {
      expect(send(gidsExternalResponse(computeAdminResponse('3des', WRONG_KEY, challenge()))).sw).toBe(
        expected,
      );
    }
    send(gidsMseSetAdminKey());
    expect(send(gidsRequestChallenge()).sw).toBe('6983');
    expect(saved.at(-1)?.adminTriesLeft).toBe(0);
  });

  it('has no admin limit when configured so (GidsApplet: 6982, retry for ever)', () => {
    const state = newGidsCardState({
      serial: '00'.repeat(16),
      algorithm: '3des',
      adminKey: KEY_HEX,
      pin: '1234',
      adminTryLimit: null,
    });
    const unlimited = sendTo(new GidsCard(state));
    unlimited(gidsSelect());
    for (let i = 0; i < 5; i++) {
      unlimited(gidsMseSetAdminKey());
      const c = parseDynamicAuth(unlimited(gidsRequestChallenge()).data).challenge!;
      expect(unlimited(gidsExternalResponse(computeAdminResponse('3des', WRONG_KEY, c))).sw).toBe('6982');
    }
  });

  it('performs mutual authentication as gids-tool does, and refuses the wrong key', () => {
    send(gidsSelect({ fci: false }));
    const r1 = fromHex('72D7BA438DA3CEBBA688081C6D7A018D');
    const mutual = (key: Uint8Array) => {
      expect(send(gidsMseSetAdminKey(MSE_MUTUAL_AUTH)).sw).toBe('9000');
      const r2 = parseDynamicAuth(send(gidsMutualHostChallenge(r1)).data).challenge!;
      expect(r2.length).toBe(16);
      return { r2, answer: send(gidsMutualHostCryptogram(gidsHostCryptogram('3des', key, { r1, r2 }))) };
    };
    const good = mutual(KEY);
    expect(good.answer.sw).toBe('9000');
    const cardCryptogram = parseDynamicAuth(good.answer.data).response!;
    expect(checkGidsCardCryptogram('3des', KEY, { r1, r2: good.r2 }, cardCryptogram)).toBe(true);
    expect(send(gidsResetRetryCounter(asciiBytes('99998888'))).sw).toBe('9000');
    expect(mutual(WRONG_KEY).answer.sw).toBe('63C2');
  });

  it('forgets authentication on reset and on deauthenticate', () => {
    send(gidsSelect());
    send(gidsExternalResponse(computeAdminResponse('3des', KEY, challenge())));
    send(gidsDeauthenticate());
    expect(send(gidsResetRetryCounter(asciiBytes('11223344'))).sw).toBe('6982');
    send(gidsExternalResponse(computeAdminResponse('3des', KEY, challenge())));
    card.reset();
    send(gidsSelect());
    expect(send(gidsResetRetryCounter(asciiBytes('11223344'))).sw).toBe('6982');
  });

  it('uses 16-byte challenges with an AES admin key', () => {
    const aesKey = '000102030405060708090A0B0C0D0E0F';
    const state = newGidsCardState({
      serial: '00'.repeat(16),
      algorithm: 'aes128',
      adminKey: aesKey,
      pin: '1234',
    });
    const aes = sendTo(new GidsCard(state));
    aes(gidsSelect());
    aes(gidsMseSetAdminKey());
    const c = parseDynamicAuth(aes(gidsRequestChallenge()).data).challenge!;
    expect(c.length).toBe(16);
    expect(aes(gidsExternalResponse(computeAdminResponse('aes128', fromHex(aesKey), c))).sw).toBe('9000');
  });

  it('refuses new PINs outside 4 to 16 bytes', () => {
    send(gidsSelect());
    send(gidsExternalResponse(computeAdminResponse('3des', KEY, challenge())));
    expect(send(gidsResetRetryCounter(asciiBytes('123'))).sw).toBe('6700');
  });
});
