/**
 * `cardwarden-unlock offline`: the help-desk unblock, for GIDS cards and PIV cards Cardwarden issued (whose
 * PUK the response gives). Shows the card's challenge, takes the response the help
 * desk reads out and checks it with the card at once, then asks for the new PIN: a wrong response is
 * reported before the cardholder chooses a PIN. The PIN rules are the card profile's (from `--server`) or
 * the card's own limits, checked before anything costs an attempt.
 */
import { formatGrouped, phoneticReadBack } from '@cardwarden/protocol/challenge';
import type { CardAccess, ConnectedCard } from '../card-access.js';
import {
  authenticateGidsResponse,
  endGidsAdminSession,
  requestGidsChallenge,
  setGidsPin,
} from '../card/gids-offline-unblock.js';
import {
  checkPivResponse,
  pivHelpDeskChallenge,
  pivManagementAlgorithm,
  unblockPivWithResponse,
} from '../card/piv-help-desk-unblock.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { LineInput } from '../io/line-input.js';
import type { Reporter } from '../io/reporter.js';
import { sentence } from '../io/sentence.js';
import type { ServerConnection } from '../online/server-connection.js';
import { GIDS_PIN_RULES, PIV_PIN_RULES, type PinRules } from '../pin-rules.js';
import { parseResponseInput } from '../response-input.js';
import { UnlockFailure } from '../unlock-failure.js';
import { askNewPin } from './ask-new-pin.js';
import { connectHelpDeskCard } from './connect-card.js';
import { newPinRules } from './new-pin-rules.js';

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
      reporter.say(`${sentence(error.message)}. Type it again.`);
    }
  }
}

function showChallenge(reporter: Reporter, challenge: string, rules: PinRules): void {
  reporter.emit({ challenge, pinRules: rules });
  if (!reporter.json) {
    reporter.say('\nRead this challenge to your help desk:\n');
    reporter.say(`    ${formatGrouped(challenge)}\n`);
    reporter.say(`    (${phoneticReadBack(challenge)})\n`);
    reporter.say('Keep the card in the reader until the end: a new challenge would need a new response.');
  }
}

/** A PIV card Cardwarden issued: the help desk's response to its PUK challenge gives the PUK. */
async function offlinePiv(
  card: ConnectedCard,
  serial: string | undefined,
  input: LineInput,
  reporter: Reporter,
  server: ServerConnection | undefined,
): Promise<ExitCode> {
  if (!serial) {
    throw new UnlockFailure(
      'card.no_serial',
      'the card does not tell its serial number, so it has no challenge to show',
    );
  }
  const rules = await newPinRules(PIV_PIN_RULES, server, serial, reporter);
  const algorithm = await pivManagementAlgorithm(card.transport);
  const challenge = pivHelpDeskChallenge(algorithm, serial);
  showChallenge(reporter, challenge, rules);
  const response = await askResponse(input, reporter, challenge.length);
  const puk = await checkPivResponse(card.transport, response);
  reporter.say('The card accepted the response. Now choose your new PIN.');
  const newPin = await askNewPin(input, reporter, rules);
  await unblockPivWithResponse(card.transport, puk, newPin);
  reporter.emit({ result: 'unblocked' });
  reporter.say('The PIN is unblocked. Use your new PIN from now on.');
  return EXIT.OK;
}

export async function offlineCommand(
  access: CardAccess,
  input: LineInput,
  reporter: Reporter,
  options: { reader?: string; server?: ServerConnection },
): Promise<ExitCode> {
  const { card, serial, type } = await connectHelpDeskCard(access, options.reader, reporter);
  if (type === 'piv') {
    try {
      return await offlinePiv(card, serial, input, reporter, options.server);
    } finally {
      await card.disconnect();
    }
  }
  let adminSessionOpen = false;
  try {
    const rules = await newPinRules(GIDS_PIN_RULES, options.server, serial, reporter);
    const challenge = await requestGidsChallenge(card.transport);
    showChallenge(reporter, challenge, rules);
    const response = await askResponse(input, reporter, challenge.length);
    await authenticateGidsResponse(card.transport, response);
    adminSessionOpen = true;
    reporter.say('The card accepted the response. Now choose your new PIN.');
    const newPin = await askNewPin(input, reporter, rules);
    await setGidsPin(card.transport, newPin);
    adminSessionOpen = false;
    reporter.emit({ result: 'unblocked' });
    reporter.say('The PIN is unblocked. Use your new PIN from now on.');
    return EXIT.OK;
  } finally {
    // Stopped between the response and the PIN: leave no admin authentication on the card.
    if (adminSessionOpen) await endGidsAdminSession(card.transport);
    await card.disconnect();
  }
}
