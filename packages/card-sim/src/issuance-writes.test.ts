/** The writes issuance makes: GIDS admin key and PIN policy, PIV SET PIN RETRIES, and T=0-style answers. */
import { fromHex, toHex } from '@cardwarden/protocol/hex';
import {
  exchangeApdu,
  parseDynamicAuth,
  parseResponseApdu,
  type CardTransport,
} from '@cardwarden/protocol/apdu';
import {
  gidsGetData,
  gidsMseSetAdminKey,
  gidsMutualHostChallenge,
  gidsMutualHostCryptogram,
  gidsPutAdminKey,
  gidsPutPinTryLimit,
  gidsSelect,
  gidsVerifyPin,
  GIDS_APPLICATION_FILE,
  GIDS_PIN_STATUS_DO,
  MSE_MUTUAL_AUTH,
  parseGidsPinStatus,
} from '@cardwarden/protocol/gids';
import { pivGeneralAuthenticate, pivVerify } from '@cardwarden/protocol/piv';
import { checkGidsCardCryptogram, encryptEcb, gidsHostCryptogram } from '@cardwarden/protocol/crypto';
import { describe, expect, it } from 'vitest';
import { GidsCard } from './gids/gids-card.js';
import { newGidsCardState } from './gids/gids-card-state.js';
import { SoftwareCardTransport } from './memory-transport.js';
import { PivCard } from './piv/piv-card.js';
import { newPivCardState } from './piv/piv-card-state.js';
import { T0Responses } from './t0-responses.js';

const OLD_KEY = fromHex('010203040506070801020304050607080102030405060708');
const NEW_KEY = fromHex('1F2E3D4C5B6A79880112233445566778899AABBCCDDEEFF0');

function gids(): GidsCard {
  return new GidsCard(
    newGidsCardState({
      serial: '00112233445566778899AABBCCDDEEFF',
      algorithm: '3des',
      adminKey: toHex(OLD_KEY),
      pin: '12345678',
    }),
  );
}

/** Mutual authentication with `key`; true when the card accepted it and proved the same key. */
async function mutualAuth(transport: CardTransport, key: Uint8Array): Promise<boolean> {
  await exchangeApdu(transport, gidsSelect({ fci: false }));
  await exchangeApdu(transport, gidsMseSetAdminKey(MSE_MUTUAL_AUTH));
  const r1 = fromHex('00112233445566778899AABBCCDDEEFF');
  const step1 = await exchangeApdu(transport, gidsMutualHostChallenge(r1));
  const r2 = parseDynamicAuth(step1.data).challenge!;
  const step2 = await exchangeApdu(
    transport,
    gidsMutualHostCryptogram(gidsHostCryptogram('3des', key, { r1, r2 })),
  );
  if (step2.sw !== 0x9000) return false;
  return checkGidsCardCryptogram('3des', key, { r1, r2 }, parseDynamicAuth(step2.data).response!);
}

async function pinStatus(transport: CardTransport) {
  const answer = await exchangeApdu(transport, gidsGetData(GIDS_APPLICATION_FILE, GIDS_PIN_STATUS_DO));
  return parseGidsPinStatus(answer.data);
}

describe.each([
  ['T=1 (direct answers)', (card: GidsCard) => new SoftwareCardTransport(card)],
  ['T=0 (61xx, 6Cxx)', (card: GidsCard) => new SoftwareCardTransport(new T0Responses(card))],
])('GIDS issuance writes, %s', (_name, transportFor) => {
  it('takes a new admin key as gids-tool --change-admin-key writes it, only after admin authentication', async () => {
    const transport = transportFor(gids());
    await exchangeApdu(transport, gidsSelect({ fci: false }));
    expect((await exchangeApdu(transport, gidsPutAdminKey(NEW_KEY))).sw).toBe(0x6982);
    expect(await mutualAuth(transport, OLD_KEY)).toBe(true);
    expect((await exchangeApdu(transport, gidsPutAdminKey(NEW_KEY))).sw).toBe(0x9000);
    expect(await mutualAuth(transport, NEW_KEY)).toBe(true);
    expect(await mutualAuth(transport, OLD_KEY)).toBe(false);
  });

  it('takes the maximum PIN attempts after admin authentication, and the limit counts', async () => {
    const transport = transportFor(gids());
    await exchangeApdu(transport, gidsSelect({ fci: false }));
    expect((await exchangeApdu(transport, gidsPutPinTryLimit(5))).sw).toBe(0x6982);
    expect(await mutualAuth(transport, OLD_KEY)).toBe(true);
    expect((await exchangeApdu(transport, gidsPutPinTryLimit(5))).sw).toBe(0x9000);
    expect(await pinStatus(transport)).toEqual({ triesLeft: 5, tryLimit: 5 });
    const wrong = new TextEncoder().encode('00000000');
    const seen: string[] = [];
    for (let i = 0; i < 6; i++)
      seen.push((await exchangeApdu(transport, gidsVerifyPin(wrong))).sw.toString(16));
    expect(seen).toEqual(['63c4', '63c3', '63c2', '63c1', '63c0', '6983']);
  });
});

describe('T=0 answers', () => {
  it('holds data back for GET RESPONSE and names the right Le with 6Cxx', () => {
    const card = new T0Responses(gids());
    const send = (hex: string) => {
      const { data, sw } = parseResponseApdu(card.process(fromHex(hex)));
      return `${toHex(data)}/${sw.toString(16).toUpperCase()}`;
    };
    expect(send('00A4040009A00000039742544659')).toBe('/6114');
    expect(send('00C0000014')).toMatch(/^61124F0B.*\/9000$/);
    expect(send('00C0000014')).toBe('/6985');
    const piv = new T0Responses(
      new PivCard(
        newPivCardState({ algorithm: '3des', managementKey: toHex(OLD_KEY), pin: '123456', puk: '12345678' }),
      ),
    );
    const pivSend = (hex: string) => {
      const { data, sw } = parseResponseApdu(piv.process(fromHex(hex)));
      return `${toHex(data)}/${sw.toString(16).toUpperCase()}`;
    };
    pivSend('00A4040005A000000308');
    expect(pivSend('00FD000002')).toBe('/6C03');
    expect(pivSend('00FD000003')).toBe('/6103');
    expect(pivSend('00C0000002')).toBe('0502/6101');
    expect(pivSend('00C0000001')).toBe('07/9000');
  });
});

describe('PIV SET PIN RETRIES (Yubico INS FA)', () => {
  it('needs the management key and the PIN, sets both limits and resets PIN and PUK to the defaults', async () => {
    const card = new PivCard(
      newPivCardState({ algorithm: '3des', managementKey: toHex(OLD_KEY), pin: '654321', puk: '87654321' }),
    );
    const transport = new SoftwareCardTransport(new T0Responses(card));
    await exchangeApdu(transport, fromHex('00A4040005A000000308'));
    expect((await exchangeApdu(transport, fromHex('00FA0705'))).sw).toBe(0x6982);
    const witness = await exchangeApdu(
      transport,
      pivGeneralAuthenticate('3des', { witness: new Uint8Array() }),
    );
    expect(witness.sw).toBe(0x9000);
    const challenge = await exchangeApdu(
      transport,
      pivGeneralAuthenticate('3des', { challenge: new Uint8Array() }),
    );
    const response = encryptEcb('3des', OLD_KEY, parseDynamicAuth(challenge.data).challenge!);
    expect((await exchangeApdu(transport, pivGeneralAuthenticate('3des', { response }))).sw).toBe(0x9000);
    expect((await exchangeApdu(transport, fromHex('00FA0705'))).sw).toBe(0x6982);
    expect((await exchangeApdu(transport, pivVerify('654321'))).sw).toBe(0x9000);
    expect((await exchangeApdu(transport, fromHex('00FA0705'))).sw).toBe(0x9000);
    expect(card.snapshot()).toMatchObject({
      pin: '123456',
      puk: '12345678',
      pinTryLimit: 7,
      pinTriesLeft: 7,
      pukTryLimit: 5,
    });
  });
});
