import { describe, expect, it } from 'vitest';
import { checkNewPin, describePinRules, GIDS_PIN_RULES, pinRulesWithin, PIV_PIN_RULES } from './pin-rules.js';

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

describe('profile PIN rules', () => {
  const profile = { minLength: 6, maxLength: 20, digitsOnly: true };

  it('narrows the card’s rules to the profile’s', () => {
    expect(pinRulesWithin(GIDS_PIN_RULES, profile)).toEqual({
      minLength: 6,
      maxLength: 16,
      digitsOnly: true,
    });
    expect(pinRulesWithin(GIDS_PIN_RULES, { minLength: 4, maxLength: 8, digitsOnly: false })).toEqual({
      minLength: 4,
      maxLength: 8,
      digitsOnly: false,
    });
  });
  it('says when no PIN can keep both', () => {
    expect(
      pinRulesWithin(PIV_PIN_RULES, { minLength: 10, maxLength: 12, digitsOnly: false }),
    ).toBeUndefined();
  });
  it('refuses letters where the profile wants digits, and still refuses trivial PINs', () => {
    const rules = pinRulesWithin(GIDS_PIN_RULES, profile)!;
    expect(checkNewPin('24681a', rules)).toBe('the PIN must be digits only');
    expect(checkNewPin('246813', rules)).toBeUndefined();
    expect(checkNewPin('123456', rules)).toMatch(/run of digits/);
    expect(checkNewPin('2468', rules)).toMatch(/6 to 16/);
  });
  it('describes the rules for the prompt', () => {
    expect(describePinRules({ minLength: 6, maxLength: 8, digitsOnly: true })).toBe('6-8 digits');
    expect(describePinRules(GIDS_PIN_RULES)).toBe('4-16 characters');
  });
});
