import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../hex.js';
import {
  pivPukChallenge,
  pivPukFromResponse,
  pivSetPukFromDefault,
  yubicoSetManagementKey,
  yubicoSetPinRetries,
} from './piv-issuance.js';

const K_DEF = fromHex('010203040506070801020304050607080102030405060708');

describe('PIV issuance commands (reference §3.4)', () => {
  it('builds SET MANAGEMENT KEY as the reference shows it, for 3DES and AES', () => {
    expect(toHex(yubicoSetManagementKey('3des', K_DEF))).toBe(
      '00FFFFFF1B039B18010203040506070801020304050607080102030405060708',
    );
    expect(toHex(yubicoSetManagementKey('aes128', new Uint8Array(16)))).toBe(
      '00FFFFFF13089B10' + '00'.repeat(16),
    );
    expect(() => yubicoSetManagementKey('aes256', K_DEF)).toThrow(/32 bytes, got 24/);
  });

  it('builds SET PIN RETRIES and the PUK change from the default', () => {
    expect(toHex(yubicoSetPinRetries(5, 3))).toBe('00FA0503');
    expect(() => yubicoSetPinRetries(0, 3)).toThrow(/PIN tries are 1 to 15/);
    expect(() => yubicoSetPinRetries(3, 16)).toThrow(/PUK tries are 1 to 15/);
    expect(toHex(pivSetPukFromDefault('97485185'))).toBe(
      '0024008110' + '3132333435363738' + '3937343835313835',
    );
  });

  it('makes the PUK challenge from the serial, one block long', () => {
    expect(toHex(pivPukChallenge('3des', '12345678'))).toBe('50554B3132333435');
    expect(toHex(pivPukChallenge('aes192', '12345678'))).toBe('50554B3132333435363738' + '0000000000');
  });

  it('turns a response into eight digits (reference §4 vector: K_def, 0102…08 → 77A7D6BCF57962B9)', () => {
    expect(pivPukFromResponse(fromHex('77A7D6BCF57962B9'))).toBe('97485185');
    expect(pivPukFromResponse(fromHex('5C8153E77589B223422406BF22908E22'))).toBe('29317785');
    expect(() => pivPukFromResponse(fromHex('0102'))).toThrow(/at least 8 bytes/);
  });
});
