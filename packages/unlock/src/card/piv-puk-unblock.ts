/** Unblocking a PIV card's PIN with its PUK (RESET RETRY COUNTER, SP 800-73-4 part 2 §3.2.3). */
import { CardRemovedError, formatSw, SW, triesLeftOf, type CardTransport } from '@cardwarden/protocol/apdu';
import { pivResetRetryCounter } from '@cardwarden/protocol/piv';
import { UnlockFailure } from '../unlock-failure.js';
import { exchange } from './card-exchange.js';

/**
 * Sets `newPin` with `puk`; the PIV application must be selected.
 * @throws UnlockFailure for a wrong or blocked PUK, a refused PIN or a removed card.
 */
export async function unblockPivWithPuk(
  transport: CardTransport,
  puk: string,
  newPin: string,
): Promise<void> {
  let sw: number;
  try {
    sw = (await exchange(transport, pivResetRetryCounter(puk, newPin))).sw;
  } catch (error) {
    if (error instanceof CardRemovedError) {
      throw new UnlockFailure(
        'card.removed',
        'the card was removed before it answered; insert it and run the unlock again',
      );
    }
    throw error;
  }
  if (sw === SW.OK) return;
  if (sw === SW.AUTH_METHOD_BLOCKED) {
    throw new UnlockFailure(
      'puk.blocked',
      'the PUK is blocked, so nothing on this computer can unblock the PIN any more: ask your help desk for a replacement card (or to reset it)',
      0,
    );
  }
  const tries = triesLeftOf(sw);
  if (tries === 0)
    throw new UnlockFailure(
      'puk.blocked',
      'wrong PUK; the PUK is now blocked: ask your help desk for a replacement card (or to reset it)',
      0,
    );
  if (tries !== undefined) {
    throw new UnlockFailure(
      'puk.wrong',
      `wrong PUK (${tries} attempt${tries === 1 ? '' : 's'} left before the PUK blocks)`,
      tries,
    );
  }
  if (sw === SW.WRONG_DATA || sw === SW.WRONG_LENGTH) {
    throw new UnlockFailure(
      'pin.refused_by_card',
      'the card refused the new PIN; PIV PINs are 6 to 8 characters',
    );
  }
  throw new UnlockFailure(
    'card.error',
    `the card refused the unblock (status ${formatSw(sw)}); ask your help desk`,
  );
}
