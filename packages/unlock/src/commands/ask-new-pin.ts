/** Asks for the new PIN twice and checks it against the PIN rules: once for scripts, until right for people. */
import type { LineInput } from '../io/line-input.js';
import type { Reporter } from '../io/reporter.js';
import { sentence } from '../io/sentence.js';
import { checkNewPin, describePinRules, type PinRules } from '../pin-rules.js';
import { UnlockFailure } from '../unlock-failure.js';

function ended(): UnlockFailure {
  return new UnlockFailure(
    'input.ended',
    'the input ended before the new PIN was entered twice; nothing was sent to the card',
  );
}

export async function askNewPin(input: LineInput, reporter: Reporter, rules: PinRules): Promise<string> {
  for (;;) {
    const pin = await input.next(reporter.json ? undefined : `New PIN (${describePinRules(rules)}): `);
    if (pin === undefined) throw ended();
    const problem = checkNewPin(pin, rules);
    if (problem && reporter.json)
      throw new UnlockFailure('pin.rules', `${problem}; nothing was sent to the card`);
    if (problem) {
      reporter.say(`${sentence(problem)}. Try another.`);
      continue;
    }
    const again = await input.next(reporter.json ? undefined : 'New PIN again: ');
    if (again === undefined) throw ended();
    if (again === pin) return pin;
    if (reporter.json)
      throw new UnlockFailure('pin.mismatch', 'the two new PINs differ; nothing was sent to the card');
    reporter.say('The two PINs differ. Enter the new PIN again.');
  }
}
