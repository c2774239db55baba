/**
 * Rules for a new PIN, checked before anything is sent to the card, so a typo costs no admin-key attempt.
 * The lengths are the card's (GIDS 4–16, PIV 6–8); trivial PINs are refused because they are the first an
 * attacker tries.
 */

export interface PinRules {
  readonly minLength: number;
  readonly maxLength: number;
}

export const GIDS_PIN_RULES: PinRules = { minLength: 4, maxLength: 16 };
export const PIV_PIN_RULES: PinRules = { minLength: 6, maxLength: 8 };

function isRun(pin: string, step: number): boolean {
  for (let i = 1; i < pin.length; i++) if (pin.charCodeAt(i) - pin.charCodeAt(i - 1) !== step) return false;
  return true;
}

/**
 * Why `pin` breaks the rules, or undefined when it keeps them.
 * @example checkNewPin('1111', GIDS_PIN_RULES) // 'the PIN must not be one character repeated'
 */
export function checkNewPin(pin: string, rules: PinRules): string | undefined {
  if (pin.length < rules.minLength || pin.length > rules.maxLength) {
    return `the PIN must be ${rules.minLength} to ${rules.maxLength} characters, it has ${pin.length}`;
  }
  if (!/^[\x20-\x7e]*$/.test(pin))
    return 'the PIN may use only letters, digits, spaces and punctuation of plain ASCII';
  if (isRun(pin, 0)) return 'the PIN must not be one character repeated';
  if (/^\d+$/.test(pin) && (isRun(pin, 1) || isRun(pin, -1)))
    return 'the PIN must not be a run of digits such as 123456';
  return undefined;
}
