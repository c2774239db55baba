import { fromHex, toHex } from '@cardwarden/protocol/hex';
import { parseDynamicAuth, parseResponseApdu } from '@cardwarden/protocol/apdu';
import {
  pivChangeReferenceData,
  pivGeneralAuthenticate,
  pivResetRetryCounter,
  pivSetPukFromDefault,
  pivVerify,
  PIV_PUK_REFERENCE,
  yubicoSetManagementKey,
  yubicoSetPinRetries,
} from '@cardwarden/protocol/piv';
import { decryptEcb, encryptEcb } from '@cardwarden/protocol/crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { PivCard } from './piv-card.js';
import { newPivCardState } from './piv-card-state.js';

const KEY_HEX = '010203040506070801020304050607080102030405060708';
const KEY = fromHex(KEY_HEX);

describe('software PIV card', () => {
  let card: PivCard;
  const send = (apdu: string | Uint8Array) => {
    const { data, sw } = parseResponseApdu(card.process(typeof apdu === 'string' ? fromHex(apdu) : apdu));
    return { data, sw: sw.toString(16).toUpperCase() };
  };

  beforeEach(() => {
    card = new PivCard(
      newPivCardState({ algorithm: '3des', managementKey: KEY_HEX, pin: '123456', puk: '12345678' }),
    );
  });

  it('answers the truncated AIDs of yubico-piv-tool and OpenSC, and what yubico-piv-tool asks first (§3.5)', () => {
    expect(toHex(send('00A4040005A000000308').data)).toBe('61114F0600001000010079074F05A000000308');
    expect(send('00A4040009A0000003080000100000').sw).toBe('9000');
    expect(send('0020008000').sw).toBe('63C3');
    expect(toHex(send('00FD000000').data)).toBe('050207');
    expect(toHex(send('00F8000000').data)).toBe('00BC614E');
    expect(send('00CB3FFF035C017E00').sw).toBe('6A82');
    expect(send('00A4040008A000000527200101').sw).toBe('6A82');
  });

  it('verifies, counts and blocks the PIN, and unblocks it with the PUK', () => {
    send('00A4040005A000000308');
    expect(send(pivVerify('123456')).sw).toBe('9000');
    expect(send('00200080').sw).toBe('9000');
    expect(send('0020FF80').sw).toBe('9000');
    for (const expected of ['63C2', '63C1', '63C0', '6983'])
      expect(send(pivVerify('000000')).sw).toBe(expected);
    expect(send(pivResetRetryCounter('87654321', '654321')).sw).toBe('63C2');
    expect(send(pivResetRetryCounter('12345678', '654321')).sw).toBe('9000');
    expect(send(pivVerify('654321')).sw).toBe('9000');
    expect(card.snapshot()).toMatchObject({ pin: '654321', pinTriesLeft: 3, pukTriesLeft: 3 });
  });

  it('changes the PUK', () => {
    send('00A4040005A000000308');
    expect(send(pivChangeReferenceData(PIV_PUK_REFERENCE, '12345678', '87654321')).sw).toBe('9000');
    expect(card.snapshot().puk).toBe('87654321');
  });

  it('reproduces the piv-tool mutual authentication of §4', () => {
    send('00A4040005A000000308');
    const ew = parseDynamicAuth(
      send(pivGeneralAuthenticate('3des', { witness: new Uint8Array() })).data,
    ).witness!;
    const w = decryptEcb('3des', KEY, ew);
    const c = fromHex('C1CE31CB0781948A');
    const answer = send(pivGeneralAuthenticate('3des', { witness: w, challenge: c }));
    expect(answer.sw).toBe('9000');
    expect(toHex(parseDynamicAuth(answer.data).response!)).toBe('ACC6E4C5368A7D94');
    // The recorded witness pair also holds under K_def.
    expect(toHex(encryptEcb('3des', KEY, fromHex('CC857AC1AA52862A')))).toBe('BC60D75E46A8F584');
  });

  it('refuses a wrong witness, a wrong single response, and a second use of a challenge', () => {
    send('00A4040005A000000308');
    send(pivGeneralAuthenticate('3des', { witness: new Uint8Array() }));
    expect(
      send(
        pivGeneralAuthenticate('3des', {
          witness: fromHex('0000000000000000'),
          challenge: fromHex('0000000000000000'),
        }),
      ).sw,
    ).toBe('6982');
    const c = parseDynamicAuth(
      send(pivGeneralAuthenticate('3des', { challenge: new Uint8Array() })).data,
    ).challenge!;
    expect(send(pivGeneralAuthenticate('3des', { response: c })).sw).toBe('6982');
    const c2 = parseDynamicAuth(
      send(pivGeneralAuthenticate('3des', { challenge: new Uint8Array() })).data,
    ).challenge!;
    const good = encryptEcb('3des', KEY, c2);
    expect(send(pivGeneralAuthenticate('3des', { response: good })).sw).toBe('9000');
    expect(send(pivGeneralAuthenticate('3des', { response: good })).sw).toBe('6985');
    expect(send('0087089B047C02800000').sw).toBe('6A86');
  });

  it('sets a new management key only after authentication', () => {
    send('00A4040005A000000308');
    const set = '00FFFFFF1B039B18' + '08070605040302010807060504030201080706050403020'.padEnd(48, '1');
    expect(send(set).sw).toBe('6982');
    const c = parseDynamicAuth(
      send(pivGeneralAuthenticate('3des', { challenge: new Uint8Array() })).data,
    ).challenge!;
    send(pivGeneralAuthenticate('3des', { response: encryptEcb('3des', KEY, c) }));
    expect(send(set).sw).toBe('9000');
    expect(card.snapshot().managementKey).toBe('080706050403020108070605040302010807060504030201');
  });

  it('takes the issuance sequence: mutual authentication, a new key, its proof, PIN policy, PUK and PIN (§3.4)', () => {
    send('00A4040005A000000308');
    const mutual = (algorithm: '3des' | 'aes192', key: Uint8Array) => {
      const block = algorithm === '3des' ? 8 : 16;
      const asked = send(pivGeneralAuthenticate(algorithm, { witness: new Uint8Array() }));
      if (asked.sw !== '9000') return false;
      const sealed = parseDynamicAuth(asked.data).witness!;
      const challenge = new Uint8Array(block).fill(7);
      const answer = send(
        pivGeneralAuthenticate(algorithm, { witness: decryptEcb(algorithm, key, sealed), challenge }),
      );
      return (
        answer.sw === '9000' &&
        toHex(parseDynamicAuth(answer.data).response!) === toHex(encryptEcb(algorithm, key, challenge))
      );
    };
    const aesKey = fromHex('00112233445566778899AABBCCDDEEFF0011223344556677');
    expect(mutual('3des', KEY)).toBe(true);
    expect(send(yubicoSetManagementKey('aes128', aesKey.subarray(0, 16))).sw).toBe('9000');
    expect(send(pivGeneralAuthenticate('3des', { witness: new Uint8Array() })).sw).toBe('6A86');
    expect(mutual('3des', KEY)).toBe(false);
    send('00A4040005A000000308');
    expect(card.snapshot().algorithm).toBe('aes128');
    // Back to an AES-192 key (a YubiKey 5.7 default's size): the card answers with 16-byte blocks.
    const witness = parseDynamicAuth(
      send(pivGeneralAuthenticate('aes128', { witness: new Uint8Array() })).data,
    ).witness!;
    const proved = send(
      pivGeneralAuthenticate('aes128', {
        witness: decryptEcb('aes128', aesKey.subarray(0, 16), witness),
        challenge: new Uint8Array(16),
      }),
    );
    expect(proved.sw).toBe('9000');
    expect(send(yubicoSetManagementKey('aes192', aesKey)).sw).toBe('9000');
    expect(mutual('aes192', aesKey)).toBe(true);
    expect(send(yubicoSetPinRetries(6, 4)).sw).toBe('6982');
    expect(send(pivVerify('123456')).sw).toBe('9000');
    expect(send(yubicoSetPinRetries(6, 4)).sw).toBe('9000');
    expect(send(pivSetPukFromDefault('97485185')).sw).toBe('9000');
    expect(send(pivChangeReferenceData(0x80, '123456', '135724')).sw).toBe('9000');
    expect(card.snapshot()).toMatchObject({
      algorithm: 'aes192',
      managementKey: toHex(aesKey),
      pin: '135724',
      pinTryLimit: 6,
      pinTriesLeft: 6,
      puk: '97485185',
      pukTryLimit: 4,
      pukTriesLeft: 4,
    });
    // The help desk's check of a PUK: set to itself, a wrong one counts.
    expect(send(pivChangeReferenceData(PIV_PUK_REFERENCE, '11111111', '11111111')).sw).toBe('63C3');
    expect(send(pivChangeReferenceData(PIV_PUK_REFERENCE, '97485185', '97485185')).sw).toBe('9000');
    expect(card.snapshot().pukTriesLeft).toBe(4);
    // A key that does not fit its algorithm is refused.
    expect(send('00FFFFFF1A039B17' + '01'.repeat(23)).sw).toBe('6700');
  });
});
