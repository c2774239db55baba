import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../hex.js';
import { keyCheckValue } from './admin-key.js';
import { aesCmac } from './cmac.js';
import {
  ADMIN_KEY_KDF_LABEL,
  adminKeyDerivationContext,
  deriveAdminKey,
  kbkdfCounter,
  setOddParity,
} from './kbkdf.js';

// NIST SP 800-38B appendix D / RFC 4493 §4: the example message is a prefix of this one.
const M = fromHex(
  '6BC1BEE22E409F96E93D7E117393172AAE2D8A571E03AC9C9EB76FAC45AF8E51' +
    '30C81C46A35CE411E5FBC1191A0A52EFF69F2445DF4F9B17AD2B417BE66C3710',
);
const AES128 = fromHex('2B7E151628AED2A6ABF7158809CF4F3C');
const AES192 = fromHex('8E73B0F7DA0E6452C810F32B809079E562F8EAD2522C6B7B');
const AES256 = fromHex('603DEB1015CA71BE2B73AEF0857D77811F352C073B6108D72D9810A30914DFF4');

describe('AES-CMAC (SP 800-38B, RFC 4493)', () => {
  it.each([
    ['AES-128, empty', AES128, 0, 'BB1D6929E95937287FA37D129B756746'],
    ['AES-128, 16 bytes', AES128, 16, '070A16B46B4D4144F79BDD9DD04A287C'],
    ['AES-128, 40 bytes', AES128, 40, 'DFA66747DE9AE63030CA32611497C827'],
    ['AES-128, 64 bytes', AES128, 64, '51F0BEBF7E3B9D92FC49741779363CFE'],
    ['AES-192, empty', AES192, 0, 'D17DDF46ADAACDE531CAC483DE7A9367'],
    ['AES-192, 64 bytes', AES192, 64, 'A1D5DF0EED790F794D77589659F39A11'],
    ['AES-256, empty', AES256, 0, '028962F61B7BF89EFC6B551F4667D983'],
    ['AES-256, 16 bytes', AES256, 16, '28A7023F452E8F82BD4BF28D8C37C35C'],
    ['AES-256, 40 bytes', AES256, 40, 'AAF3D8F1DE5640C232F5B169B9C911E6'],
    ['AES-256, 64 bytes', AES256, 64, 'E1992190549F6ED5696A2C056C315410'],
  ])('%s', (_name, key, length, mac) => {
    expect(toHex(aesCmac(key, M.subarray(0, length)))).toBe(mac);
  });

  it('agrees with OpenSSL for every message length from 0 to 48', () => {
    for (let length = 0; length <= 48; length += 1) {
      const message = M.subarray(0, length);
      expect(toHex(aesCmac(AES256, message)), `length ${length}`).toBe(opensslCmac(AES256, message));
    }
  });

  it('refuses a key that is not AES', () => {
    expect(() => aesCmac(new Uint8Array(8), M)).toThrow(RangeError);
  });
});

describe('SP 800-108 counter-mode KDF with AES-CMAC', () => {
  const label = new TextEncoder().encode(ADMIN_KEY_KDF_LABEL);

  it.each([
    ['AES-128 master, 16 bytes', AES128, 16],
    ['AES-256 master, 24 bytes (two PRF rounds)', AES256, 24],
    ['AES-256 master, 32 bytes', AES256, 32],
    ['AES-192 master, 40 bytes (three rounds)', AES192, 40],
  ])('agrees with OpenSSL 3 KBKDF (%s)', (_name, master, bytes) => {
    const context = adminKeyDerivationContext('GIDS-0001', 7);
    const ours = kbkdfCounter((data) => aesCmac(master, data), label, context, bytes);
    expect(toHex(ours)).toBe(opensslKbkdf(master, label, context, bytes));
  });

  it('encodes the derivation input exactly as documented', () => {
    const seen: string[] = [];
    kbkdfCounter(
      (data) => {
        seen.push(toHex(data));
        return new Uint8Array(16);
      },
      new TextEncoder().encode('L'),
      adminKeyDerivationContext(' ab-1 ', 2),
      24,
    );
    // [i]_32 ‖ "L" ‖ 00 ‖ [2]_32 ‖ "AB-1" ‖ [192]_32
    expect(seen).toEqual(['000000014C000000000241422D31000000C0', '000000024C000000000241422D31000000C0']);
  });

  it('derives the documented known answers', () => {
    // Computed by this implementation and checked against OpenSSL above; pinned so the encoding never drifts.
    const master = AES256;
    const aes = deriveAdminKey(master, 'aes128', 'GIDS-0001', 1);
    expect(toHex(aes)).toBe(opensslKbkdf(master, label, adminKeyDerivationContext('GIDS-0001', 1), 16));
    const tdes = deriveAdminKey(master, '3des', 'gids-0001', 1);
    const raw = fromHex(opensslKbkdf(master, label, adminKeyDerivationContext('GIDS-0001', 1), 24));
    expect(toHex(tdes)).toBe(toHex(setOddParity(raw)));
    expect(toHex(deriveAdminKey(master, 'aes128', 'GIDS-0001', 1))).toBe(KNOWN_AES128);
    expect(toHex(deriveAdminKey(master, '3des', 'GIDS-0001', 1))).toBe(KNOWN_3DES);
  });

  it('gives odd-parity 3DES keys whose check value ignores parity', () => {
    const key = deriveAdminKey(AES128, '3des', 'X', 1);
    for (const byte of key) expect(popcount(byte) % 2).toBe(1);
    const flipped = key.map((b) => b ^ 1);
    expect(toHex(keyCheckValue('3des', flipped))).toBe(toHex(keyCheckValue('3des', key)));
  });

  it('gives another key for another serial, version, master or length', () => {
    const base = toHex(deriveAdminKey(AES256, 'aes256', 'S1', 1));
    expect(toHex(deriveAdminKey(AES256, 'aes256', 'S2', 1))).not.toBe(base);
    expect(toHex(deriveAdminKey(AES256, 'aes256', 'S1', 2))).not.toBe(base);
    expect(toHex(deriveAdminKey(AES128, 'aes256', 'S1', 1))).not.toBe(base);
    expect(toHex(deriveAdminKey(AES256, 'aes192', 'S1', 1))).not.toBe(base.slice(0, 48));
    expect(toHex(deriveAdminKey(AES256, 'aes256', 's1', 1))).toBe(base);
  });
});

const KNOWN_AES128 = '0D82CC1CE106A03EDF189233696DA5E4';
const KNOWN_3DES = '75984C02A745A76EFD10706E6D4AB3AB388F760458DA340B';

function popcount(byte: number): number {
  let n = 0;
  for (let v = byte; v !== 0; v >>>= 1) n += v & 1;
  return n;
}

function aesCipher(key: Uint8Array): string {
  return `AES-${key.length * 8}-CBC`;
}

function opensslCmac(key: Uint8Array, message: Uint8Array): string {
  const out = execFileSync(
    'openssl',
    ['mac', '-cipher', aesCipher(key), '-macopt', `hexkey:${toHex(key)}`, 'CMAC'],
    { input: message },
  );
  return out.toString('utf8').trim().toUpperCase();
}

function opensslKbkdf(master: Uint8Array, label: Uint8Array, context: Uint8Array, bytes: number): string {
  const out = execFileSync('openssl', [
    'kdf',
    '-keylen',
    String(bytes),
    '-kdfopt',
    'mac:CMAC',
    '-kdfopt',
    `cipher:${aesCipher(master)}`,
    '-kdfopt',
    `hexkey:${toHex(master)}`,
    '-kdfopt',
    `hexsalt:${toHex(label)}`,
    '-kdfopt',
    `hexinfo:${toHex(context)}`,
    'KBKDF',
  ]);
  return out.toString('utf8').trim().replace(/:/g, '').toUpperCase();
}
