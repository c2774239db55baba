/**
 * The help desk's unblock on a PIV card that Cardwarden issued (docs/issuance.md). PIV has no
 * challenge/response unblock, only the PUK; issuance sets a PUK the server computes from the card's
 * management key. The tool shows the card's fixed PUK challenge, the help desk's response is E_K(challenge)
 * as for any card, and the tool turns it into the PUK: it checks it with the card (CHANGE REFERENCE DATA
 * of the PUK to itself) before the cardholder chooses a PIN, then unblocks (RESET RETRY COUNTER).
 */
import { toHex } from '@cardwarden/protocol/hex';
import { ADMIN_KEY_ALGORITHMS, type AdminKeyAlgorithm } from '@cardwarden/protocol/admin-key';
import { formatSw, SW, triesLeftOf, type CardTransport } from '@cardwarden/protocol/apdu';
import {
  pivChangeReferenceData,
  pivGeneralAuthenticate,
  pivPukChallenge,
  pivPukFromResponse,
  pivResetRetryCounter,
  PIV_PUK_REFERENCE,
} from '@cardwarden/protocol/piv';
import { UnlockFailure } from '../unlock-failure.js';
import { exchange } from './card-exchange.js';

const PUK_BLOCKED_MESSAGE =
  'this card’s PUK is blocked, so no response can unblock it any more: ask your help desk for a replacement card (or to reset it)';

/**
 * The management key's algorithm, from which GENERAL AUTHENTICATE the card gives a challenge for (asking
 * costs no attempt). The PIV application must be selected.
 */
export async function pivManagementAlgorithm(transport: CardTransport): Promise<AdminKeyAlgorithm> {
  // 3DES first: every YubiKey before firmware 5.7 and most issued cards.
  for (const algorithm of ADMIN_KEY_ALGORITHMS) {
    const answer = await exchange(
      transport,
      pivGeneralAuthenticate(algorithm, { challenge: new Uint8Array() }),
    );
    if (answer.sw === SW.OK) return algorithm;
  }
  throw new UnlockFailure(
    'card.error',
    'the card does not say which cipher its management key uses, so it has no challenge to show; ask your help desk',
  );
}

/** The challenge to read to the help desk: the card's PUK challenge, upper-case hex. */
export function pivHelpDeskChallenge(algorithm: AdminKeyAlgorithm, serial: string): string {
  return toHex(pivPukChallenge(algorithm, serial));
}

function wrongResponse(sw: number): UnlockFailure {
  if (sw === SW.AUTH_METHOD_BLOCKED) return new UnlockFailure('puk.blocked', PUK_BLOCKED_MESSAGE, 0);
  const tries = triesLeftOf(sw);
  if (tries === 0) return new UnlockFailure('puk.blocked', `wrong response; ${PUK_BLOCKED_MESSAGE}`, 0);
  if (tries !== undefined) {
    return new UnlockFailure(
      'response.wrong',
      `the card refused the response (${tries} attempt${tries === 1 ? '' : 's'} left before its PUK blocks). Check the response with your help desk and run the unlock again`,
      tries,
    );
  }
  return new UnlockFailure(
    'card.error',
    `the card refused the response (status ${formatSw(sw)}); ask your help desk`,
  );
}

/**
 * Checks the help desk's response with the card before a PIN is chosen: the PUK it gives is set to
 * itself, which a wrong PUK fails (and counts) like the unblock would.
 * @returns the PUK, for `unblockPivWithResponse`.
 */
export async function checkPivResponse(transport: CardTransport, response: Uint8Array): Promise<string> {
  const puk = pivPukFromResponse(response);
  const { sw } = await exchange(transport, pivChangeReferenceData(PIV_PUK_REFERENCE, puk, puk));
  if (sw !== SW.OK) throw wrongResponse(sw);
  return puk;
}

/** RESET RETRY COUNTER with the PUK the response gave and the new PIN. */
export async function unblockPivWithResponse(
  transport: CardTransport,
  puk: string,
  newPin: string,
): Promise<void> {
  const { sw } = await exchange(transport, pivResetRetryCounter(puk, newPin));
  if (sw === SW.OK) return;
  if (sw === SW.WRONG_DATA || sw === SW.WRONG_LENGTH) {
    throw new UnlockFailure(
      'pin.refused_by_card',
      'the card refused the new PIN; PIV PINs are 6 to 8 characters',
    );
  }
  throw wrongResponse(sw);
}
