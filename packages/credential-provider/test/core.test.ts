/**
 * The provider's portable C++ core, built natively with g++ and compared with the TypeScript it must match:
 * GIDS APDUs byte for byte with packages/protocol, PIN rules message for message with the unlock tool, the
 * challenge read-back with packages/protocol; plus the core's own assertions (61xx/6Cxx, TLV, JSON, wiping).
 */
import {
  asciiBytes,
  formatGrouped,
  fromHex,
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
  phoneticReadBack,
  toHex,
} from '@cardwarden/protocol';
import { describeWith } from '@cardwarden/test-support';
import { checkNewPin, type PinRules } from '@cardwarden/unlock';
import { execFileSync, spawnSync } from 'node:child_process';
import { beforeAll, expect, it } from 'vitest';
import { buildWindowsParts, CORE_TEST } from './build-parts.js';

const core = (...args: string[]): unknown => JSON.parse(execFileSync(CORE_TEST, args, { encoding: 'utf8' }));

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

  it('passes its own assertions (61xx/6Cxx APDU layer, TLV bounds, JSON, wiping)', () => {
    const run = spawnSync(CORE_TEST, ['selftest'], { encoding: 'utf8' });
    expect(run.stdout).toMatch(/"failures":0/);
    expect(run.status).toBe(0);
  });
});
