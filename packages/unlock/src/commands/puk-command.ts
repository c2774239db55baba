/** `cardwarden-unlock puk`: unblocks a PIV card's PIN with the PUK the user types. */
import type { CardAccess } from '../card-access.js';
import { unblockPivWithPuk } from '../card/piv-puk-unblock.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { LineInput } from '../io/line-input.js';
import type { Reporter } from '../io/reporter.js';
import { PIV_PIN_RULES } from '../pin-rules.js';
import { UnlockFailure } from '../unlock-failure.js';
import { askNewPin } from './ask-new-pin.js';
import { connectCard } from './connect-card.js';

export async function pukCommand(
  access: CardAccess,
  input: LineInput,
  reporter: Reporter,
  options: { reader?: string },
): Promise<ExitCode> {
  const { card, identity, readerName } = await connectCard(access, options.reader);
  try {
    if (identity.type === 'gids') {
      throw new UnlockFailure(
        'card.no_puk',
        'this GIDS card unblocks with a challenge and a response from your help desk: run cardwarden-unlock offline',
      );
    }
    if (identity.type !== 'piv') {
      throw new UnlockFailure(
        'card.unsupported',
        `the card in ${readerName} is neither GIDS nor PIV; this tool cannot unblock it`,
      );
    }
    const state = identity.pin?.blocked
      ? 'its PIN is blocked'
      : 'its PIN is not blocked (the unblock sets a new PIN anyway)';
    reporter.say(`PIV card${identity.serial ? ` ${identity.serial}` : ''} in ${readerName}; ${state}.`);
    const puk = await input.next(reporter.json ? undefined : 'PUK: ', { secret: true });
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
    const newPin = await askNewPin(input, reporter, PIV_PIN_RULES);
    await unblockPivWithPuk(card.transport, puk, newPin);
    reporter.emit({ result: 'unblocked' });
    reporter.say('The PIN is unblocked. Use your new PIN from now on.');
    return EXIT.OK;
  } finally {
    await card.disconnect();
  }
}
