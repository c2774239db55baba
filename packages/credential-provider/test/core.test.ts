/**
 * The provider's portable C++ core, built natively with g++ and compared with the TypeScript it must match:
 * GIDS APDUs byte for byte with packages/protocol, PIN rules message for message with the unlock tool, the
 * challenge read-back with packages/protocol, the APDU layer (61xx/6Cxx) transcript for transcript with
 * packages/protocol's exchangeApdu; plus the core's own assertions (TLV, JSON, wiping).
 */
import { fromHex, toHex } from '@cardwarden/protocol/hex';
import { formatGrouped, phoneticReadBack } from '@cardwarden/protocol/challenge';
import { asciiBytes, exchangeApdu, type CardTransport } from '@cardwarden/protocol/apdu';
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
  MSE_MUTUAL_AUTH,
} from '@cardwarden/protocol/gids';
import { describeWith } from '@cardwarden/integration-tests/system-parts';
import { checkNewPin, type PinRules } from '@cardwarden/unlock';
import { execFileSync, spawnSync } from 'node:child_process';
import { beforeAll, expect, it } from 'vitest';
import { buildWindowsParts, CORE_TEST } from './build-parts.js';

const core = (...args: string[]): unknown => JSON.parse(execFileSync(CORE_TEST, args, { encoding: 'utf8' }));

/** What an APDU layer sent to a scripted card and what it returned (or that the script ran out). */
interface Transcript {
  sent: string[];
  data?: string;
  sw?: string;
  error?: string;
}

/** A card that gives `answers` (hex) in turn, whatever it is sent; it is gone once they run out. */
async function exchangeTranscript(command: string, answers: readonly string[]): Promise<Transcript> {
  const sent: string[] = [];
  const script = [...answers];
  const card: CardTransport = {
    transmit(apdu) {
      sent.push(toHex(apdu));
      const answer = script.shift();
      return answer === undefined
        ? Promise.reject(new Error('script ended'))
        : Promise.resolve(fromHex(answer));
    },
  };
  try {
    const { data, sw } = await exchangeApdu(card, fromHex(command));
    return { sent, data: toHex(data), sw: sw.toString(16).toUpperCase().padStart(4, '0') };
  } catch (error) {
    return { sent, error: (error as Error).message };
  }
}

const bytesOf = (count: number, value: number) => toHex(new Uint8Array(count).fill(value));

/**
 * Card answers for the APDU layer (ISO 7816-4 §5.3.4, as OpenSC's sc_transmit follows them): each command is
 * answered by the next entry, whatever it is, so a layer that sends a wrong command shows in its transcript.
 */
const EXCHANGES: readonly { name: string; command: string; answers: readonly string[] }[] = [
  {
    name: 'case 2, plain 9000',
    command: toHex(gidsGetData(0x3fff, 0x7f71)),
    answers: ['7F71069701039301039000'],
  },
  { name: 'case 1, plain 9000', command: toHex(gidsDeauthenticate()), answers: ['9000'] },
  { name: 'case 3, plain 9000', command: toHex(gidsMseSetAdminKey()), answers: ['9000'] },
  {
    name: 'case 4, 61xx chain',
    command: toHex(gidsSelect()),
    answers: ['6110', `${bytesOf(16, 0xa1)}6105`, `${bytesOf(5, 0xb2)}9000`],
  },
  { name: '6100 asks for 256 bytes', command: '00CA7F7100', answers: ['6100', `${bytesOf(256, 0x5a)}9000`] },
  { name: 'data before a 61xx', command: '00CA7F7100', answers: ['AA6102', 'BBCC9000'] },
  { name: 'case 1, 6Cxx then 9000', command: '00200082', answers: ['6C08', `${bytesOf(8, 0x11)}9000`] },
  { name: 'case 2, 6Cxx then 9000', command: '00FD000000', answers: ['6C03', '0502079000'] },
  { name: 'case 3, 6C00 appends Le 00', command: toHex(gidsMseSetAdminKey()), answers: ['6C00', '9000'] },
  {
    name: 'case 4, 6Cxx then 9000',
    command: toHex(gidsRequestChallenge()),
    answers: ['6C0C', `7C0A8108${bytesOf(8, 0x77)}9000`],
  },
  { name: '6Cxx then 61xx', command: '00FD000002', answers: ['6C03', '6103', '0502079000'] },
  {
    name: '6Cxx is followed once only',
    command: '00FD000002',
    answers: ['6C08', '6C04', '01020304', '9000'],
  },
  {
    name: 'an error status word',
    command: toHex(gidsExternalResponse(fromHex('7716F4B2D7214EB2'))),
    answers: ['63C2'],
  },
  {
    name: 'an error inside a 61xx chain',
    command: '00CA7F7100',
    answers: ['6104', `${bytesOf(2, 0x33)}6A86`],
  },
  {
    name: 'a 61xx chain longer than the limit',
    command: '00CA7F7100',
    answers: ['6101', ...Array.from({ length: 70 }, () => '016101')],
  },
  { name: 'a card that stops answering', command: '00CA7F7100', answers: ['6104'] },
];

describeWith(['wine'], 'credential provider core (native g++)', () => {
  beforeAll(() => {
    buildWindowsParts();
  });

  it('builds every GIDS command byte-identical to packages/protocol', () => {
    const r1 = '72D7BA438DA3CEBBA688081C6D7A018D';
    const cryptogram = 'A9B1BB53B1FF2269B242A75EBDF29695EB0D4B500CCA9BF376E6D5038BB9F812D39F292C104C6DAF';
    const response = '7716F4B2D7214EB2';
    const pin = '24681357';
    expect(core('apdus', r1, cryptogram, response, pin)).toEqual({
      select: toHex(gidsSelect()),
      mseExternal: toHex(gidsMseSetAdminKey()),
      mseMutual: toHex(gidsMseSetAdminKey(MSE_MUTUAL_AUTH)),
      requestChallenge: toHex(gidsRequestChallenge()),
      externalResponse: toHex(gidsExternalResponse(fromHex(response))),
      mutualHostChallenge: toHex(gidsMutualHostChallenge(fromHex(r1))),
      mutualHostCryptogram: toHex(gidsMutualHostCryptogram(fromHex(cryptogram))),
      resetRetryCounter: toHex(gidsResetRetryCounter(asciiBytes(pin))),
      deauthenticate: toHex(gidsDeauthenticate()),
      pinStatus: toHex(gidsGetData(0x3fff, 0x7f71)),
      cardId: toHex(gidsGetData(0xa012, 0xdf20)),
      masterfile: toHex(gidsGetData(0xa000, 0xdf1f)),
    });
  });

  it('judges new PINs exactly as the unlock tool does', () => {
    const pins = [
      '1234',
      '4321',
      '1111',
      '12a4',
      '135790',
      'abcd',
      'aaaa',
      'ab cd',
      '12345678901234567',
      '123',
      'Pässword',
      '246813',
      '97531',
    ];
    const ruleSets: PinRules[] = [
      { minLength: 4, maxLength: 16 },
      { minLength: 6, maxLength: 8, digitsOnly: true },
      { minLength: 5, maxLength: 12, digitsOnly: false },
    ];
    const seen = new Set<string>();
    for (const rules of ruleSets) {
      const expected = pins.map((pin) => checkNewPin(pin, rules) ?? '');
      const actual = core(
        'pin',
        String(rules.minLength),
        String(rules.maxLength),
        String(Boolean(rules.digitsOnly)),
        ...pins,
      );
      expect(actual).toEqual(expected);
      for (const message of expected) seen.add(message.replace(/\d+/g, 'N'));
    }
    // Not vacuous: PINs accepted and PINs refused for each of the five reasons.
    expect(seen.size).toBe(6);
  });

  it('reads the challenge back as packages/protocol does', () => {
    for (const hex of ['7716f4b2d7214eb2', '0123456789ABCDEF0123456789abcdef', 'A0']) {
      expect(core('readback', hex)).toEqual({ grouped: formatGrouped(hex), phonetic: phoneticReadBack(hex) });
    }
  });

  it('follows 61xx and 6Cxx exactly as packages/protocol exchangeApdu does', async () => {
    for (const { name, command, answers } of EXCHANGES) {
      const expected = await exchangeTranscript(command, answers);
      expect({ name, ...(core('exchange', command, ...answers) as Transcript) }).toEqual({
        name,
        ...expected,
      });
    }
    // Not vacuous: the long chain stops at the limit on both sides (the first command, then 64 GET RESPONSEs).
    const long = await exchangeTranscript('00CA7F7100', [
      '6101',
      ...Array.from({ length: 70 }, () => '016101'),
    ]);
    expect(long.sent).toHaveLength(65);
    expect(long.sw).toBe('6101');
  });

  it('passes its own assertions (status words, TLV bounds, JSON, wiping)', () => {
    const run = spawnSync(CORE_TEST, ['selftest'], { encoding: 'utf8' });
    expect(run.stdout).toMatch(/"failures":0/);
    expect(run.status).toBe(0);
  });
});
