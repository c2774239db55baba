/**
 * The card side of a proven online unlock on a GIDS card (reference §2.4): mutual authentication with the
 * admin key, in which the server computes the host cryptogram and then checks the card's own, followed by
 * RESET RETRY COUNTER with the new PIN, as gids-tool --unblock does.
 */
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
  gidsMseSetAdminKey,
  gidsMutualHostChallenge,
  gidsMutualHostCryptogram,
  gidsResetRetryCounter,
  MSE_MUTUAL_AUTH,
} from '@cardwarden/protocol/gids';
import { UnlockFailure } from '../unlock-failure.js';
import { exchange } from './card-exchange.js';

const ADMIN_BLOCKED_MESSAGE =
  'the card’s admin key is blocked for good, so no response can unblock this card any more; ask your help desk for a new card';
const RANDOM_BYTES = 16;

function cardError(step: string, sw: number): UnlockFailure {
  return new UnlockFailure(
    'card.error',
    `the card refused ${step} (status ${formatSw(sw)}); try again, or ask your help desk`,
  );
}

function removed(): UnlockFailure {
  return new UnlockFailure(
    'card.removed',
    'the card was removed or reset during the unlock; insert the card and run the unlock again',
  );
}

async function guarded<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw error instanceof CardRemovedError ? removed() : error;
  }
}

/**
 * Starts mutual authentication with the server's R1; the GIDS application must be selected.
 * @returns the card's random R2 (16 bytes).
 */
export function startGidsMutualAuth(transport: CardTransport, r1: Uint8Array): Promise<Uint8Array> {
  return guarded(async () => {
    const mse = await exchange(transport, gidsMseSetAdminKey(MSE_MUTUAL_AUTH));
    if (mse.sw !== SW.OK) throw cardError('to select its admin key', mse.sw);
    const answer = await exchange(transport, gidsMutualHostChallenge(r1));
    if (answer.sw === SW.AUTH_METHOD_BLOCKED)
      throw new UnlockFailure('admin_key.blocked', ADMIN_BLOCKED_MESSAGE, 0);
    if (answer.sw !== SW.OK) throw cardError('mutual authentication', answer.sw);
    const r2 = parseDynamicAuth(answer.data).challenge;
    if (r2?.length !== RANDOM_BYTES) {
      throw new UnlockFailure(
        'card.error',
        'the card sent a random of an unexpected length; ask your help desk',
      );
    }
    return r2;
  });
}

/**
 * Sends the server's cryptogram, then the new PIN (which also resets the PIN's try counter).
 * @returns the card's cryptogram E_K(R1 ‖ R2 ‖ Z2), for the server to check.
 * @throws UnlockFailure when the card refuses the cryptogram, its admin key is blocked or it was removed.
 */
export function completeGidsMutualUnblock(
  transport: CardTransport,
  hostCryptogram: Uint8Array,
  newPin: string,
): Promise<Uint8Array> {
  return guarded(async () => {
    const auth = await exchange(transport, gidsMutualHostCryptogram(hostCryptogram));
    if (auth.sw === SW.AUTH_METHOD_BLOCKED)
      throw new UnlockFailure('admin_key.blocked', ADMIN_BLOCKED_MESSAGE, 0);
    if (auth.sw === SW.CONDITIONS_NOT_SATISFIED || auth.sw === SW.INS_NOT_SUPPORTED) {
      throw new UnlockFailure(
        'challenge.expired',
        'the card no longer holds its mutual-authentication random (it was reset, or another program used the card); run the unlock again',
      );
    }
    const tries = auth.sw === SW.SECURITY_NOT_SATISFIED ? undefined : triesLeftOf(auth.sw);
    if (auth.sw === SW.SECURITY_NOT_SATISFIED || tries !== undefined) {
      throw new UnlockFailure(
        tries === 0 ? 'admin_key.blocked' : 'response.wrong',
        tries === 0 ? ADMIN_BLOCKED_MESSAGE : 'the card refused the server’s cryptogram',
        tries,
      );
    }
    if (auth.sw !== SW.OK) throw cardError('the server’s cryptogram', auth.sw);
    const cardCryptogram = parseDynamicAuth(auth.data).response;
    if (!cardCryptogram) throw cardError('to send its own cryptogram', auth.sw);

    const reset = await exchange(transport, gidsResetRetryCounter(asciiBytes(newPin)));
    if (reset.sw === SW.WRONG_LENGTH) {
      throw new UnlockFailure(
        'pin.refused_by_card',
        'the card refused the new PIN’s length; run the unlock again with a PIN of 4 to 16 characters',
      );
    }
    if (reset.sw !== SW.OK) throw cardError('the new PIN', reset.sw);
    await exchange(transport, gidsDeauthenticate());
    return cardCryptogram;
  });
}
