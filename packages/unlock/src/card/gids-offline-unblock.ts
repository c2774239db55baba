/**
 * The card side of an offline unblock on a GIDS card (reference §2.3): a single-use challenge from the
 * card, then the response and the new PIN in one go (external authentication with the admin key, then
 * RESET RETRY COUNTER), as Windows' integrated unblock does.
 */
import { toHex } from '@cardwarden/protocol/hex';
import {
  asciiBytes,
  CardRemovedError,
  formatSw,
  parseDynamicAuth,
  SW,
  triesLeftOf,
  type CardTransport,
} from '@cardwarden/protocol/apdu';
import {
  gidsDeauthenticate,
  gidsExternalResponse,
  gidsMseSetAdminKey,
  gidsRequestChallenge,
  gidsResetRetryCounter,
} from '@cardwarden/protocol/gids';
import { UnlockFailure } from '../unlock-failure.js';
import { exchange } from './card-exchange.js';

const ADMIN_BLOCKED_MESSAGE =
  'this card’s admin key is blocked for good, so no response can unblock it any more: ask your help desk for a replacement card';

/** A card error nobody expects, named by its status word. */
function cardError(step: string, sw: number): UnlockFailure {
  return new UnlockFailure(
    'card.error',
    `the card refused ${step} (status ${formatSw(sw)}); try again, or ask your help desk`,
  );
}

/**
 * Asks the card for a fresh challenge; the GIDS application must be selected. The challenge stays valid
 * until the card is reset, removed or deselected, or answers a response.
 * @returns the challenge, upper-case hex (16 digits for a 3DES admin key, 32 for AES).
 */
export async function requestGidsChallenge(transport: CardTransport): Promise<string> {
  const mse = await exchange(transport, gidsMseSetAdminKey());
  if (mse.sw !== SW.OK) throw cardError('to select its admin key', mse.sw);
  const answer = await exchange(transport, gidsRequestChallenge());
  if (answer.sw === SW.AUTH_METHOD_BLOCKED)
    throw new UnlockFailure('admin_key.blocked', ADMIN_BLOCKED_MESSAGE, 0);
  if (answer.sw !== SW.OK) throw cardError('to give a challenge', answer.sw);
  const challenge = parseDynamicAuth(answer.data).challenge;
  if (challenge?.length !== 8 && challenge?.length !== 16) {
    throw new UnlockFailure(
      'card.error',
      'the card sent a challenge of an unexpected length; ask your help desk',
    );
  }
  return toHex(challenge);
}

function wrongResponse(attemptsLeft: number | undefined): UnlockFailure {
  if (attemptsLeft === 0)
    return new UnlockFailure('admin_key.blocked', `wrong response; ${ADMIN_BLOCKED_MESSAGE}`, 0);
  const left =
    attemptsLeft === undefined
      ? 'the card does not say how many attempts are left'
      : `${attemptsLeft} attempt${attemptsLeft === 1 ? '' : 's'} left before the card blocks for good`;
  return new UnlockFailure(
    'response.wrong',
    `the card refused the response (${left}). Check the response with your help desk, then run the unlock again for a new challenge`,
    attemptsLeft,
  );
}

/** A removed or reset card loses the challenge and the admin authentication with it. */
function cardRemovedAfterChallenge(): UnlockFailure {
  return new UnlockFailure(
    'card.removed',
    'the card was removed or reset after the challenge was shown, so that challenge is no longer valid; insert the card and run the unlock again for a new challenge (the old response will not work)',
  );
}

async function removalAware<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof CardRemovedError) throw cardRemovedAfterChallenge();
    throw error;
  }
}

/**
 * Authenticates with `response` to the challenge the card holds (EXTERNAL AUTHENTICATE). The card then
 * keeps the admin authentication until RESET RETRY COUNTER, a deauthentication or a reset, so a wrong
 * response is found before the cardholder chooses a PIN.
 * @throws UnlockFailure for a wrong response (with attempts left where the card tells), a blocked admin
 *   key, a lost challenge or a removed card.
 */
export async function authenticateGidsResponse(
  transport: CardTransport,
  response: Uint8Array,
): Promise<void> {
  const auth = await removalAware(() => exchange(transport, gidsExternalResponse(response)));
  if (auth.sw === SW.AUTH_METHOD_BLOCKED)
    throw new UnlockFailure('admin_key.blocked', ADMIN_BLOCKED_MESSAGE, 0);
  // 6985: no pending challenge; 6D00: the application is no longer selected (the card was reset).
  if (auth.sw === SW.CONDITIONS_NOT_SATISFIED || auth.sw === SW.INS_NOT_SUPPORTED) {
    throw new UnlockFailure(
      'challenge.expired',
      'the card no longer holds that challenge (it was reset, or another program used the card); run the unlock again for a new challenge',
    );
  }
  if (auth.sw === SW.SECURITY_NOT_SATISFIED) throw wrongResponse(undefined);
  const tries = triesLeftOf(auth.sw);
  if (tries !== undefined) throw wrongResponse(tries);
  if (auth.sw !== SW.OK) throw cardError('the response', auth.sw);
}

/**
 * Sets `newPin` (RESET RETRY COUNTER, which also resets the PIN's try counter) on a card authenticated by
 * `authenticateGidsResponse`, then ends the admin session.
 */
export async function setGidsPin(transport: CardTransport, newPin: string): Promise<void> {
  const reset = await removalAware(() => exchange(transport, gidsResetRetryCounter(asciiBytes(newPin))));
  if (reset.sw === SW.WRONG_LENGTH) {
    throw new UnlockFailure(
      'pin.refused_by_card',
      'the card refused the new PIN’s length; run the unlock again with a PIN of 4 to 16 characters',
    );
  }
  // 6982: the card dropped the admin authentication (another program reset or used it meanwhile).
  if (reset.sw === SW.SECURITY_NOT_SATISFIED) {
    throw new UnlockFailure(
      'challenge.expired',
      'the card no longer holds the admin authentication (another program reset or used it); run the unlock again for a new challenge',
    );
  }
  if (reset.sw !== SW.OK) throw cardError('the new PIN', reset.sw);
  // Leave no admin session behind (the card also ends it after the reset).
  await endGidsAdminSession(transport);
}

/** Drops the admin authentication, e.g. when the cardholder stops before choosing a PIN. Never throws. */
export async function endGidsAdminSession(transport: CardTransport): Promise<void> {
  try {
    await exchange(transport, gidsDeauthenticate());
  } catch {
    // A removed or reset card has no admin session left to end.
  }
}

/**
 * Authenticates with `response` and sets `newPin` in one go (for callers that already hold the PIN).
 * @throws UnlockFailure as `authenticateGidsResponse` and `setGidsPin` do.
 */
export async function completeGidsUnblock(
  transport: CardTransport,
  response: Uint8Array,
  newPin: string,
): Promise<void> {
  await authenticateGidsResponse(transport, response);
  await setGidsPin(transport, newPin);
}
