import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../hex.js';
import { parseChallenge } from '../challenge/challenge.js';
import {
  computeAdminResponse,
  decryptEcb,
  generateAdminKey,
  isDegenerate3desKey,
  keyCheckValue,
} from './admin-key.js';

// Vectors computed independently with `openssl enc -<cipher> -K <key> -nopad`; the AES ones are also
// the FIPS-197 appendix C examples.
const VECTORS = [
  {
    algorithm: '3des',
    key: '010203040506070801020304050607080102030405060708',
    challenge: '0557897F8D84407B',
    response: '7716F4B2D7214EB2',
    kcv: 'B073DC',
  },
  {
    algorithm: '3des',
    key: '0123456789ABCDEFFEDCBA987654321089ABCDEF01234567',
    challenge: 'A892D75601617C5D',
    response: '2AE8BBC233FCCFB6',
  },
  {
    algorithm: 'aes128',
    key: '000102030405060708090A0B0C0D0E0F',
    challenge: '00112233445566778899AABBCCDDEEFF',
    response: '69C4E0D86A7B0430D8CDB78070B4C55A',
    kcv: 'C6A13B',
  },
  {
    algorithm: 'aes128',
    key: '2B7E151628AED2A6ABF7158809CF4F3C',
    challenge: '3A7F09C2E4B15D68E10F2C3B4A596877',
    response: 'E05DC03036D2046050A4D160746776B0',
  },
  {
    algorithm: 'aes192',
    key: '000102030405060708090A0B0C0D0E0F1011121314151617',
    challenge: '00112233445566778899AABBCCDDEEFF',
    response: 'DDA97CA4864CDFE06EAF70A0EC0D7191',
    kcv: '916251',
  },
  {
    algorithm: 'aes256',
    key: '000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F',
    challenge: '00112233445566778899AABBCCDDEEFF',
    response: '8EA2B7CA516745BFEAFC49904B496089',
    kcv: 'F29000',
  },
] as const;

describe('computeAdminResponse', () => {
  it.each(VECTORS)('$algorithm E_K($challenge) = $response', ({ algorithm, key, challenge, response }) => {
    expect(toHex(computeAdminResponse(algorithm, fromHex(key), fromHex(challenge)))).toBe(response);
    expect(toHex(decryptEcb(algorithm, fromHex(key), fromHex(response)))).toBe(challenge);
  });

  it('answers the challenge as an operator types it on the phone', () => {
    const parsed = parseChallenge('0557 897f 8D84-407B', [16]);
    if (!parsed.ok) throw new Error(parsed.problem.message);
    const key = fromHex(VECTORS[0].key);
    expect(toHex(computeAdminResponse('3des', key, parsed.bytes))).toBe('7716F4B2D7214EB2');
  });

  it('refuses a challenge or key of the wrong length', () => {
    const key = fromHex(VECTORS[0].key);
    expect(() => computeAdminResponse('3des', key, new Uint8Array(16))).toThrow(/8 bytes/);
    expect(() => computeAdminResponse('aes128', key, new Uint8Array(16))).toThrow(/16 bytes, got 24/);
  });
});

describe('keyCheckValue', () => {
  it.each(VECTORS.filter((v) => 'kcv' in v))('$algorithm KCV is $kcv', (vector) => {
    expect(toHex(keyCheckValue(vector.algorithm, fromHex(vector.key)))).toBe(
      'kcv' in vector ? vector.kcv : '',
    );
  });
});

describe('generateAdminKey', () => {
  it('makes keys of the right length that differ', () => {
    expect(generateAdminKey('aes256')).toHaveLength(32);
    expect(generateAdminKey('3des')).toHaveLength(24);
    expect(toHex(generateAdminKey('aes128'))).not.toBe(toHex(generateAdminKey('aes128')));
  });
});

describe('isDegenerate3desKey', () => {
  it('spots keys that are single DES in disguise, parity ignored', () => {
    expect(isDegenerate3desKey(fromHex(VECTORS[0].key))).toBe(true);
    expect(isDegenerate3desKey(fromHex('0123456789ABCDEF0023456789ABCDEFFEDCBA9876543210'))).toBe(true);
    expect(isDegenerate3desKey(fromHex(VECTORS[1].key))).toBe(false);
  });
});
