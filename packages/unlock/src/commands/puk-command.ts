/**
 * `cardwarden-unlock puk`: unblocks a PIV card's PIN with the PUK the user types. The new PIN keeps the
 * card's limits, narrowed by its profile's rules when a server is given (`--server`).
 */
import type { CardAccess } from '../card-access.js';
import { unblockPivWithPuk } from '../card/piv-puk-unblock.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { LineInput } from '../io/line-input.js';
import type { Reporter } from '../io/reporter.js';
import type { ServerConnection } from '../online/server-connection.js';
import { PIV_PIN_RULES } from '../pin-rules.js';
import { UnlockFailure } from '../unlock-failure.js';
import { askNewPin } from './ask-new-pin.js';
import { connectPivCard } from './connect-card.js';
import { newPinRules } from './new-pin-rules.js';

export async function pukCommand(
  access: CardAccess,
  input: LineInput,
  reporter: Reporter,
  options: { reader?: string; server?: ServerConnection },
): Promise<ExitCode> {
  const { card, serial } = await connectPivCard(access, options.reader, reporter);
  try {
    const rules = await newPinRules(PIV_PIN_RULES, options.server, serial, reporter);
    const puk = await input.next(reporter.json ? undefined : 'PUK: ');
    if (puk === undefined)
      throw new UnlockFailure(
        'input.ended',
        'the input ended before the PUK was entered; nothing was sent to the card',
      );
    if (puk.length < 1 || puk.length > 8) {
      throw new UnlockFailure(
        'response.bad_format',
        'a PIV PUK has 1 to 8 characters (usually 8); nothing was sent to the card',
      );
    }
    const newPin = await askNewPin(input, reporter, rules);
    await unblockPivWithPuk(card.transport, puk, newPin);
    reporter.emit({ result: 'unblocked' });
    reporter.say('The PIN is unblocked. Use your new PIN from now on.');
    return EXIT.OK;
  } finally {
    await card.disconnect();
  }
}
