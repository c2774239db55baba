import { describe, expect, it } from 'vitest';
import { checkNewPin, GIDS_PIN_RULES, PIV_PIN_RULES } from './pin-rules.js';

describe('checkNewPin', () => {
  it('keeps the card’s lengths', () => {
    expect(checkNewPin('123', GIDS_PIN_RULES)).toBe('the PIN must be 4 to 16 characters, it has 3');
    expect(checkNewPin('2468135', PIV_PIN_RULES)).toBeUndefined();
    expect(checkNewPin('246813579', PIV_PIN_RULES)).toMatch(/6 to 8/);
  });
  it('refuses trivial PINs and non-ASCII', () => {
    expect(checkNewPin('0000', GIDS_PIN_RULES)).toMatch(/repeated/);
    expect(checkNewPin('12345678', GIDS_PIN_RULES)).toMatch(/run of digits/);
    expect(checkNewPin('87654321', GIDS_PIN_RULES)).toMatch(/run of digits/);
    expect(checkNewPin('pässwort', GIDS_PIN_RULES)).toMatch(/ASCII/);
    expect(checkNewPin('abcd', GIDS_PIN_RULES)).toBeUndefined();
  });
});
