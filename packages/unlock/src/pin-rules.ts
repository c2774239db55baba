/**
 * Rules for a new PIN, checked before anything is sent to the card, so a typo costs no admin-key attempt.
 * The lengths are the card's (GIDS 4–16, PIV 6–8); trivial PINs are refused because they are the first an
 * attacker tries.
 */

export interface PinRules {
  readonly minLength: number;
  readonly maxLength: number;
  /** Digits only (a card profile's rule; the cards themselves take any printable ASCII). */
  readonly digitsOnly?: boolean;
}

export const GIDS_PIN_RULES: PinRules = { minLength: 4, maxLength: 16, digitsOnly: false };
export const PIV_PIN_RULES: PinRules = { minLength: 6, maxLength: 8, digitsOnly: false };

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
  if (rules.digitsOnly && !/^\d*$/.test(pin)) return 'the PIN must be digits only';
  if (!/^[\x20-\x7e]*$/.test(pin))
    return 'the PIN may use only letters, digits, spaces and punctuation of plain ASCII';
  if (isRun(pin, 0)) return 'the PIN must not be one character repeated';
  if (/^\d+$/.test(pin) && (isRun(pin, 1) || isRun(pin, -1)))
    return 'the PIN must not be a run of digits such as 123456';
  return undefined;
}

/**
 * The rules a new PIN must keep for both the card and its profile on the server (`online` gets the
 * profile's rules with the session), or undefined when no PIN can keep both.
 * @example pinRulesWithin(GIDS_PIN_RULES, { minLength: 6, maxLength: 20, digitsOnly: true })
 *   // { minLength: 6, maxLength: 16, digitsOnly: true }
 */
export function pinRulesWithin(card: PinRules, profile: PinRules): PinRules | undefined {
  const minLength = Math.max(card.minLength, profile.minLength);
  const maxLength = Math.min(card.maxLength, profile.maxLength);
  if (minLength > maxLength) return undefined;
  return { minLength, maxLength, digitsOnly: Boolean(card.digitsOnly) || Boolean(profile.digitsOnly) };
}

/** How long the PIN may be, for prompts: "6-8 digits". */
export function describePinRules(rules: PinRules): string {
  return `${rules.minLength}-${rules.maxLength} ${rules.digitsOnly ? 'digits' : 'characters'}`;
}
