import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../hex.js';
import {
  padPivPin,
  pivAlgorithmFromId,
  pivChangeReferenceData,
  pivGeneralAuthenticate,
  pivResetRetryCounter,
  pivSelect,
  pivVerify,
  PIV_PUK_REFERENCE,
  yubicoGetVersion,
} from './piv-commands.js';
import { encodePivApplicationPropertyTemplate } from './piv-data-objects.js';

describe('PIV commands (reference §3)', () => {
  it('builds the unblock APDU of §4', () => {
    expect(toHex(pivResetRetryCounter('12345678', '654321'))).toBe(
      '002C0080103132333435363738363534333231FFFF',
    );
  });

  it('builds VERIFY, CHANGE REFERENCE DATA and SELECT', () => {
    expect(toHex(pivVerify('123456'))).toBe('0020008008313233343536FFFF');
    expect(toHex(pivVerify())).toBe('00200080');
    expect(toHex(pivChangeReferenceData(PIV_PUK_REFERENCE, '12345678', '87654321'))).toBe(
      '00240081103132333435363738' + '3837363534333231',
    );
    expect(toHex(pivSelect())).toBe('00A4040009A0000003080000100000');
    expect(toHex(yubicoGetVersion())).toBe('00FD000000');
  });

  it('builds management-key GENERAL AUTHENTICATE as piv-tool sends it', () => {
    expect(toHex(pivGeneralAuthenticate('3des', { witness: new Uint8Array() }))).toBe('0087039B047C02800000');
    expect(
      toHex(
        pivGeneralAuthenticate('3des', {
          witness: fromHex('CC857AC1AA52862A'),
          challenge: fromHex('C1CE31CB0781948A'),
        }),
      ),
    ).toBe('0087039B167C148008CC857AC1AA52862A8108C1CE31CB0781948A00');
  });

  it('pads PINs and maps algorithm ids', () => {
    expect(() => padPivPin('123456789')).toThrow(/at most 8/);
    expect(pivAlgorithmFromId(0x00)).toBe('3des');
    expect(pivAlgorithmFromId(0x0a)).toBe('aes192');
    expect(pivAlgorithmFromId(0x11)).toBeUndefined();
  });

  it('encodes the YubiKey’s application property template', () => {
    expect(toHex(encodePivApplicationPropertyTemplate())).toBe('61114F0600001000010079074F05A000000308');
  });
});
