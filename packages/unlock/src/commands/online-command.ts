/**
 * `cardwarden-unlock online`: the cardholder unlocks their GIDS card at their own workstation. The server
 * checks their security answers and computes the response to the card's challenge; the tool applies it and
 * sets the new PIN in one go, as `offline` does. The PIN never leaves this computer.
 */
import { fromHex, toHex } from '@cardwarden/protocol/hex';
import { type CardTransport } from '@cardwarden/protocol/apdu';
import type { CardAccess } from '../card-access.js';
import { completeGidsUnblock, requestGidsChallenge } from '../card/gids-offline-unblock.js';
import { completeGidsMutualUnblock, startGidsMutualAuth } from '../card/gids-mutual-unblock.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { LineInput } from '../io/line-input.js';
import type { Reporter } from '../io/reporter.js';
import type { OnlineUnlockClient, SecurityAnswer } from '../online/online-unlock-client.js';
import { obtainStepUp, type StepUpOptions } from '../online/sso-step-up.js';
import { USE_OFFLINE_UNBLOCK } from '../online/server-refusal.js';
import { describePinRules, GIDS_PIN_RULES, pinRulesWithin, type PinRules } from '../pin-rules.js';
import { UnlockFailure } from '../unlock-failure.js';
import { askAnswers } from './ask-answers.js';
import { askNewPin } from './ask-new-pin.js';
import { connectGidsCard } from './connect-card.js';

/** The card's PIN limits narrowed by the profile's, refused when none fits both. */
function newPinRules(profile: PinRules): PinRules {
  const rules = pinRulesWithin(GIDS_PIN_RULES, profile);
  if (rules) return rules;
  throw new UnlockFailure(
    'card.registration_mismatch',
    `the card’s profile asks for a PIN of ${describePinRules(profile)}, which this card (${describePinRules(GIDS_PIN_RULES)}) cannot take; ${USE_OFFLINE_UNBLOCK}`,
  );
}

/** The card answers a reset or a removal only at the next command; a new run costs nothing yet. */
async function ensureCardStillPresent(access: CardAccess, readerName: string): Promise<void> {
  const reader = (await access.listReaders()).find((r) => r.name === readerName);
  if (!reader?.cardPresent) {
    throw new UnlockFailure(
      'card.removed',
      'the card was removed, so its challenge is gone; nothing was sent to the server. Insert the card and run the unlock again',
    );
  }
}

/** The response as bytes, refused unless it is hex of the challenge's length. */
function responseBytes(response: string, challenge: string): Uint8Array {
  if (response.length !== challenge.length || !/^[0-9A-Fa-f]+$/.test(response)) {
    throw new UnlockFailure(
      'server.bad_answer',
      `the server's response is not ${challenge.length} hex digits; nothing was sent to the card. Call your help desk`,
    );
  }
  return fromHex(response);
}

/** A card refusal after the server issued a response: the response was right, so the card is not as registered. */
function cardRefusal(failure: UnlockFailure): UnlockFailure {
  if (failure.code !== 'response.wrong') return failure;
  return new UnlockFailure(
    failure.code,
    `the card refused the server's response, so its admin key is not the one the server holds for it; ${USE_OFFLINE_UNBLOCK} (${failure.attemptsLeft === undefined ? 'the card does not say how many attempts are left' : `${failure.attemptsLeft} admin-key attempt${failure.attemptsLeft === 1 ? '' : 's'} left`})`,
    failure.attemptsLeft,
  );
}

export async function onlineCommand(
  access: CardAccess,
  input: LineInput,
  reporter: Reporter,
  options: { reader?: string; client: OnlineUnlockClient; sso?: StepUpOptions | undefined },
): Promise<ExitCode> {
  const { client } = options;
  const { card, serial, readerName } = await connectGidsCard(access, options.reader, reporter);
  try {
    if (!serial) {
      throw new UnlockFailure(
        'card.no_serial',
        `the card does not tell its serial number, so the server cannot find it; ${USE_OFFLINE_UNBLOCK}`,
      );
    }
    // The step-up first: the card's challenge is asked for only once the person is back from the browser.
    const stepUp = options.sso ? await obtainStepUp(client, reporter, options.sso) : undefined;
    const challenge = await requestGidsChallenge(card.transport);
    reporter.say(`Asking ${client.origin} for an online unlock…`);
    const session = await client.startSession(serial, stepUp);
    if (session.challengeLength !== challenge.length) {
      throw new UnlockFailure(
        'card.registration_mismatch',
        `the card's challenge has ${challenge.length} hex digits, but the server expects ${session.challengeLength} for this card: its admin key is not of the registered kind; ${USE_OFFLINE_UNBLOCK}`,
      );
    }
    if (session.questions.length === 0 || session.questions.length > 10) {
      throw new UnlockFailure(
        'server.bad_answer',
        `the server asked ${session.questions.length} security questions; it should ask 1 to 10. Call your help desk`,
      );
    }
    const rules = newPinRules(session.pinRules);
    reporter.emit({
      questions: session.questions,
      pinRules: rules,
      answerAttemptsRemaining: session.answerAttemptsRemaining,
      challenge,
    });
    reporter.say(
      `Answer your security question${session.questions.length === 1 ? '' : 's'} (${session.answerAttemptsRemaining} wrong answer${session.answerAttemptsRemaining === 1 ? '' : 's'} left before online unlock locks for you). Keep the card in the reader until the end.`,
    );
    const answers = await askAnswers(input, reporter, session.questions);
    const newPin = await askNewPin(input, reporter, rules);

    await ensureCardStillPresent(access, readerName);
    reporter.say('Checking your answers with the server…');
    if (session.hostChallenge !== null) {
      await provenUnblock(card.transport, client, session, answers, newPin, reporter);
      reporter.emit({ result: 'unblocked', confirmed: true });
      reporter.say('The PIN is unblocked. Use your new PIN from now on.');
      return EXIT.OK;
    }
    const issued = await client.requestResponse(session.id, answers, challenge);
    const response = responseBytes(issued.response, challenge);
    try {
      await completeGidsUnblock(card.transport, response, newPin);
    } catch (error) {
      await reportOutcome(client, session.id, 'failed', reporter);
      throw error instanceof UnlockFailure ? cardRefusal(error) : error;
    }
    await reportOutcome(client, session.id, 'unblocked', reporter);
    reporter.emit({ result: 'unblocked' });
    reporter.say('The PIN is unblocked. Use your new PIN from now on.');
    return EXIT.OK;
  } finally {
    await card.disconnect();
  }
}

/** The server's cryptogram as bytes, refused unless it is 80 hex digits (5 blocks of 3DES). */
function cryptogramBytes(cryptogram: string): Uint8Array {
  if (!/^[0-9A-Fa-f]{80}$/.test(cryptogram)) {
    throw new UnlockFailure(
      'server.bad_answer',
      "the server's cryptogram is not 80 hex digits; nothing was sent to the card. Call your help desk",
    );
  }
  return fromHex(cryptogram);
}

/**
 * GIDS mutual authentication (reference §2.4): the card's R2 goes to the server with the answers, the
 * server's cryptogram to the card, the new PIN to the card, and the card's own cryptogram back to the
 * server, which checks it and counts the unblock as confirmed.
 */
async function provenUnblock(
  transport: CardTransport,
  client: OnlineUnlockClient,
  session: { id: string; hostChallenge: string | null },
  answers: readonly SecurityAnswer[],
  newPin: string,
  reporter: Reporter,
): Promise<void> {
  const r2 = await startGidsMutualAuth(transport, fromHex(session.hostChallenge ?? ''));
  const issued = await client.requestMutualAuth(session.id, answers, toHex(r2));
  let cardCryptogram: Uint8Array;
  try {
    cardCryptogram = await completeGidsMutualUnblock(transport, cryptogramBytes(issued.cryptogram), newPin);
  } catch (error) {
    await reportOutcome(client, session.id, 'failed', reporter);
    throw error instanceof UnlockFailure ? cardRefusal(error) : error;
  }
  try {
    await client.confirmUnblock(session.id, toHex(cardCryptogram));
  } catch (error) {
    // The card took the new PIN already; the server only misses its proof.
    const why = error instanceof Error ? error.message : String(error);
    reporter.say(`Note: the server could not check the card's proof of the unblock (${why}).`);
  }
}

/** The card has already spoken: a server that cannot be told changes nothing on it, so only warn. */
async function reportOutcome(
  client: OnlineUnlockClient,
  sessionId: string,
  result: 'unblocked' | 'failed',
  reporter: Reporter,
): Promise<void> {
  try {
    await client.reportOutcome(sessionId, result);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    reporter.say(`Note: the server could not be told the outcome (${why}).`);
  }
}
