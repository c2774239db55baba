/**
 * The card side of `issue` on a GIDS card: mutual authentication whose cryptograms the server computes
 * (it holds every key), the APDUs the server builds (key write, PIN policy), and the initial PIN, which
 * the tool builds itself so that it never leaves this computer.
 */
import { fromHex, toHex } from '@cardwarden/protocol/hex';
import { asciiBytes, formatSw, parseDynamicAuth, SW, type CardTransport } from '@cardwarden/protocol/apdu';
import {
  gidsDeauthenticate,
  gidsMseSetAdminKey,
  gidsMutualHostChallenge,
  gidsMutualHostCryptogram,
  gidsResetRetryCounter,
  gidsSelect,
  MSE_MUTUAL_AUTH,
} from '@cardwarden/protocol/gids';
import { UnlockFailure } from '../unlock-failure.js';
import { exchange } from './card-exchange.js';

const RANDOM_BYTES = 16;

function cardError(step: string, sw: number): UnlockFailure {
  return new UnlockFailure(
    'card.error',
    `the card refused ${step} (status ${formatSw(sw)}); run the issue command again`,
  );
}

export async function selectGids(transport: CardTransport): Promise<void> {
  const selected = await exchange(transport, gidsSelect({ fci: false }));
  if (selected.sw !== SW.OK) throw cardError('to select its GIDS application', selected.sw);
}

/** MSE SET C1 and GENERAL AUTHENTICATE with the server's R1; the card's R2 in hex. */
export async function cardRandom(transport: CardTransport, r1Hex: string): Promise<string> {
  const mse = await exchange(transport, gidsMseSetAdminKey(MSE_MUTUAL_AUTH));
  if (mse.sw !== SW.OK) throw cardError('to select its admin key', mse.sw);
  const answer = await exchange(transport, gidsMutualHostChallenge(fromHex(r1Hex)));
  if (answer.sw === SW.AUTH_METHOD_BLOCKED) {
    throw new UnlockFailure(
      'admin_key.blocked',
      'the card’s admin key is blocked: it cannot be issued any more; replace the card',
      0,
    );
  }
  if (answer.sw !== SW.OK) throw cardError('mutual authentication', answer.sw);
  const r2 = parseDynamicAuth(answer.data).challenge;
  if (r2?.length !== RANDOM_BYTES) throw cardError('to give a random of 16 bytes', answer.sw);
  return toHex(r2);
}

/** The server's cryptogram to the card: the card's own cryptogram, or its status word when it refuses. */
export async function cardProof(
  transport: CardTransport,
  cryptogramHex: string,
): Promise<{ cardCryptogram: string } | { refused: true; statusWord: string }> {
  if (!/^[0-9A-Fa-f]{80}$/.test(cryptogramHex)) {
    throw new UnlockFailure(
      'server.bad_answer',
      "the server's cryptogram is not 80 hex digits; nothing was sent to the card",
    );
  }
  const answer = await exchange(transport, gidsMutualHostCryptogram(fromHex(cryptogramHex)));
  if (answer.sw !== SW.OK) return { refused: true, statusWord: formatSw(answer.sw) };
  const cryptogram = parseDynamicAuth(answer.data).response;
  if (!cryptogram) return { refused: true, statusWord: formatSw(answer.sw) };
  return { cardCryptogram: toHex(cryptogram) };
}

/** Sends one APDU the server built (hex) and returns the status word; the bytes are not kept or shown. */
export async function sendServerApdu(transport: CardTransport, apduHex: string): Promise<string> {
  if (!/^(?:[0-9A-Fa-f]{2}){4,261}$/.test(apduHex)) {
    throw new UnlockFailure(
      'server.bad_answer',
      'the server sent a command that is not an APDU; nothing was sent to the card',
    );
  }
  const bytes = fromHex(apduHex);
  try {
    return formatSw((await exchange(transport, bytes)).sw);
  } finally {
    bytes.fill(0);
  }
}

/** The initial PIN (RESET RETRY COUNTER, while the admin key is authenticated), else just log out. */
export async function setInitialPin(transport: CardTransport, pin: string | undefined): Promise<void> {
  if (pin === undefined) {
    await exchange(transport, gidsDeauthenticate());
    return;
  }
  const reset = await exchange(transport, gidsResetRetryCounter(asciiBytes(pin)));
  if (reset.sw !== SW.OK) throw cardError('the initial PIN', reset.sw);
  await exchange(transport, gidsDeauthenticate());
}
