/**
 * The card side of `issue` on a PIV card (reference §3): management-key mutual authentication whose
 * answers the server computes (it holds every key), the APDUs the server builds (Yubico SET MANAGEMENT
 * KEY, SET PIN RETRIES, the PUK), and the PIN, which the tool handles itself so that it never leaves this
 * computer: SET PIN RETRIES wants the PIN verified, and puts the PIN back to its default, so the tool
 * verifies the card's current PIN first and sets the initial (or the same) PIN afterwards.
 */
import { fromHex, toHex } from '@cardwarden/protocol/hex';
import { type AdminKeyAlgorithm } from '@cardwarden/protocol/admin-key';
import { formatSw, parseDynamicAuth, SW, triesLeftOf, type CardTransport } from '@cardwarden/protocol/apdu';
import {
  pivChangeReferenceData,
  pivGeneralAuthenticate,
  pivSelect,
  pivVerify,
  PIV_PIN_REFERENCE,
  YUBIKEY_DEFAULT_PIN,
} from '@cardwarden/protocol/piv';
import { UnlockFailure } from '../unlock-failure.js';
import { exchange } from './card-exchange.js';

function cardError(step: string, sw: number): UnlockFailure {
  return new UnlockFailure(
    'card.error',
    `the card refused ${step} (status ${formatSw(sw)}); run the issue command again`,
  );
}

export async function selectPiv(transport: CardTransport): Promise<void> {
  const selected = await exchange(transport, pivSelect());
  if (selected.sw !== SW.OK) throw cardError('to select its PIV application', selected.sw);
}

/** Asks the card for its witness, encrypted with the management key: E_K(W) in hex. */
export async function pivCardWitness(
  transport: CardTransport,
  algorithm: AdminKeyAlgorithm,
): Promise<string> {
  const answer = await exchange(transport, pivGeneralAuthenticate(algorithm, { witness: new Uint8Array() }));
  if (answer.sw === SW.AUTH_METHOD_BLOCKED) {
    throw new UnlockFailure(
      'admin_key.blocked',
      'the card’s management key is blocked: it cannot be issued any more; replace the card',
      0,
    );
  }
  if (answer.sw === SW.WRONG_P1P2 || answer.sw === SW.WRONG_DATA) {
    throw new UnlockFailure(
      'card.error',
      `the card's management key is not ${algorithm} (status ${formatSw(answer.sw)}); for a new card give its factory key and algorithm, or replace the card`,
    );
  }
  if (answer.sw !== SW.OK) throw cardError('management-key authentication', answer.sw);
  const witness = parseDynamicAuth(answer.data).witness;
  if (!witness || (witness.length !== 8 && witness.length !== 16))
    throw cardError('to give a witness of one block', answer.sw);
  return toHex(witness);
}

/** The decrypted witness (from the server) and the server's challenge: the card's E_K(C), or its refusal. */
export async function pivCardProof(
  transport: CardTransport,
  algorithm: AdminKeyAlgorithm,
  witnessHex: string,
  challengeHex: string,
): Promise<{ cardCryptogram: string } | { refused: true; statusWord: string }> {
  if (
    !/^(?:[0-9A-Fa-f]{16}|[0-9A-Fa-f]{32})$/.test(witnessHex) ||
    witnessHex.length !== challengeHex.length
  ) {
    throw new UnlockFailure(
      'server.bad_answer',
      "the server's answer is not one block of the card's cipher; nothing was sent to the card",
    );
  }
  const answer = await exchange(
    transport,
    pivGeneralAuthenticate(algorithm, { witness: fromHex(witnessHex), challenge: fromHex(challengeHex) }),
  );
  if (answer.sw !== SW.OK) return { refused: true, statusWord: formatSw(answer.sw) };
  const cryptogram = parseDynamicAuth(answer.data).response;
  if (!cryptogram) return { refused: true, statusWord: formatSw(answer.sw) };
  return { cardCryptogram: toHex(cryptogram) };
}

/**
 * VERIFY with the card's current PIN (the factory default unless the operator typed the holder's), which
 * SET PIN RETRIES needs. Returns the status word; a refusal names the tries left.
 */
export async function verifyPinForPolicy(
  transport: CardTransport,
  currentPin: string | undefined,
): Promise<string> {
  const sw = (await exchange(transport, pivVerify(currentPin ?? YUBIKEY_DEFAULT_PIN))).sw;
  return formatSw(sw);
}

/** Why the PIN verification before the PIN policy failed, for the operator. */
export function pinVerifyFailure(statusWord: string, typed: boolean): UnlockFailure {
  const sw = Number.parseInt(statusWord, 16);
  if (sw === SW.AUTH_METHOD_BLOCKED) {
    return new UnlockFailure(
      'card.error',
      "the card's PIN is blocked, and the PIN policy can only be written with the PIN verified: have the help desk unblock it (cardwarden-unlock offline), then run the issue command again with --current-pin",
    );
  }
  const tries = triesLeftOf(sw);
  const left = tries === undefined ? '' : ` (${tries} tr${tries === 1 ? 'y' : 'ies'} left)`;
  return new UnlockFailure(
    'card.error',
    typed
      ? `the card refused its current PIN${left}; its new key is registered. Run the issue command again with --current-pin and the cardholder's PIN`
      : `the card's PIN is not the factory default 123456${left}; its new key is registered. Run the issue command again with --current-pin and the cardholder's PIN`,
  );
}

/** After SET PIN RETRIES the PIN is the default again: set the initial PIN, or the holder's PIN back. */
export async function setPinAfterPolicy(transport: CardTransport, pin: string | undefined): Promise<void> {
  if (pin === undefined || pin === YUBIKEY_DEFAULT_PIN) return;
  const changed = await exchange(
    transport,
    pivChangeReferenceData(PIV_PIN_REFERENCE, YUBIKEY_DEFAULT_PIN, pin),
  );
  if (changed.sw !== SW.OK) throw cardError('the PIN', changed.sw);
}
