/**
 * `cardwarden-unlock offline`: the help-desk unblock. Shows the card's challenge, takes the response the help
 * desk reads out, and sets a new PIN in one go.
 */
import { formatGrouped, phoneticReadBack } from '@cardwarden/protocol';
import type { CardAccess } from '../card-access.js';
import { completeGidsUnblock, requestGidsChallenge } from '../card/gids-offline-unblock.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { LineInput } from '../io/line-input.js';
import type { Reporter } from '../io/reporter.js';
import { GIDS_PIN_RULES } from '../pin-rules.js';
import { parseResponseInput } from '../response-input.js';
import { UnlockFailure } from '../unlock-failure.js';
import { askNewPin } from './ask-new-pin.js';
import { connectCard } from './connect-card.js';

async function askResponse(input: LineInput, reporter: Reporter, hexLength: number): Promise<Uint8Array> {
  for (;;) {
    const line = await input.next(reporter.json ? undefined : 'Response: ');
    if (line === undefined) {
      throw new UnlockFailure(
        'input.ended',
        'the input ended before the response was entered; nothing was sent to the card',
      );
    }
    try {
      return parseResponseInput(line, hexLength);
    } catch (error) {
      if (reporter.json || !(error instanceof UnlockFailure)) throw error;
      reporter.say(`${error.message[0]?.toUpperCase() ?? ''}${error.message.slice(1)}. Type it again.`);
    }
  }
}

export async function offlineCommand(
  access: CardAccess,
  input: LineInput,
  reporter: Reporter,
  options: { reader?: string },
): Promise<ExitCode> {
  const { card, identity, readerName } = await connectCard(access, options.reader);
  try {
    if (identity.type === 'piv') {
      throw new UnlockFailure(
        'card.no_challenge_response',
        'this is a PIV card: PIV has no challenge/response unblock. Unblock it with your PUK: cardwarden-unlock puk',
      );
    }
    if (identity.type !== 'gids') {
      throw new UnlockFailure(
        'card.unsupported',
        `the card in ${readerName} is neither GIDS nor PIV; this tool cannot unblock it`,
      );
    }
    const pinState = identity.pin?.blocked
      ? 'its PIN is blocked'
      : 'its PIN is not blocked (the unblock sets a new PIN anyway)';
    reporter.say(`GIDS card${identity.serial ? ` ${identity.serial}` : ''} in ${readerName}; ${pinState}.`);

    const challenge = await requestGidsChallenge(card.transport);
    reporter.emit({ challenge });
    if (!reporter.json) {
      reporter.say('\nRead this challenge to your help desk:\n');
      reporter.say(`    ${formatGrouped(challenge)}\n`);
      reporter.say(`    (${phoneticReadBack(challenge)})\n`);
      reporter.say('Keep the card in the reader until the end: a new challenge would need a new response.');
    }
    const response = await askResponse(input, reporter, challenge.length);
    const newPin = await askNewPin(input, reporter, GIDS_PIN_RULES);
    await completeGidsUnblock(card.transport, response, newPin);
    reporter.emit({ result: 'unblocked' });
    reporter.say('The PIN is unblocked. Use your new PIN from now on.');
    return EXIT.OK;
  } finally {
    await card.disconnect();
  }
}
