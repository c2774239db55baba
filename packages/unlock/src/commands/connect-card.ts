/** Picks the reader, connects and identifies the card: the first steps of every command but `list`. */
import type { CardAccess, ConnectedCard } from '../card-access.js';
import { identifyCard, type CardIdentity } from '../card/identify-card.js';
import type { Reporter } from '../io/reporter.js';
import { chooseReader } from '../reader-choice.js';
import { UnlockFailure, type FailureCode } from '../unlock-failure.js';

export interface ConnectedIdentifiedCard {
  readonly readerName: string;
  readonly card: ConnectedCard;
  readonly identity: CardIdentity;
}

export async function connectCard(
  access: CardAccess,
  wantedReader: string | undefined,
): Promise<ConnectedIdentifiedCard> {
  const reader = chooseReader(await access.listReaders(), wantedReader);
  const card = await access.connect(reader.name);
  try {
    return { readerName: reader.name, card, identity: await identifyCard(card.transport) };
  } catch (error) {
    await card.disconnect();
    throw error;
  }
}

export interface ConnectedTypedCard {
  readonly readerName: string;
  readonly card: ConnectedCard;
  readonly serial: string | undefined;
}

export type ConnectedGidsCard = ConnectedTypedCard;

type UnblockableType = 'gids' | 'piv';

/** Why a card of the other type cannot take the unblock the command was asked for, keyed by the type wanted. */
const OTHER_TYPE_FAILURE: Readonly<Record<UnblockableType, readonly [code: FailureCode, message: string]>> = {
  gids: [
    'card.no_challenge_response',
    'this is a PIV card: PIV has no challenge/response unblock. Unblock it with your PUK: cardwarden-unlock puk',
  ],
  piv: [
    'card.no_puk',
    'this GIDS card unblocks with a challenge and a response from your help desk: run cardwarden-unlock offline',
  ],
};

/**
 * Connects to a card of a `wanted` type and says which card it is; other cards are refused with what to
 * do instead (for the first type wanted).
 */
async function connectCardOfType(
  access: CardAccess,
  wantedReader: string | undefined,
  reporter: Reporter,
  ...wanted: [UnblockableType, ...UnblockableType[]]
): Promise<ConnectedTypedCard & { readonly type: UnblockableType }> {
  const { card, identity, readerName } = await connectCard(access, wantedReader);
  try {
    if (identity.type === 'unknown') {
      throw new UnlockFailure(
        'card.unsupported',
        `the card in ${readerName} is neither GIDS nor PIV; this tool cannot unblock it`,
      );
    }
    if (!wanted.includes(identity.type)) {
      const [code, message] = OTHER_TYPE_FAILURE[wanted[0]];
      throw new UnlockFailure(code, message);
    }
    const pinState = identity.pin?.blocked
      ? 'its PIN is blocked'
      : 'its PIN is not blocked (the unblock sets a new PIN anyway)';
    const label = identity.type === 'gids' ? 'GIDS' : 'PIV';
    reporter.say(
      `${label} card${identity.serial ? ` ${identity.serial}` : ''} in ${readerName}; ${pinState}.`,
    );
    return { card, readerName, serial: identity.serial, type: identity.type };
  } catch (error) {
    await card.disconnect();
    throw error;
  }
}

/**
 * Connects to a GIDS card for a challenge/response unblock (`offline`, `online`) and says which card it is;
 * other cards are refused with what to do instead.
 */
export function connectGidsCard(
  access: CardAccess,
  wantedReader: string | undefined,
  reporter: Reporter,
): Promise<ConnectedGidsCard> {
  return connectCardOfType(access, wantedReader, reporter, 'gids');
}

/** Connects to a PIV card for a PUK unblock (`puk`) and says which card it is; other cards are refused. */
export function connectPivCard(
  access: CardAccess,
  wantedReader: string | undefined,
  reporter: Reporter,
): Promise<ConnectedTypedCard> {
  return connectCardOfType(access, wantedReader, reporter, 'piv');
}

/**
 * Connects to a card for the help desk's unblock (`offline`): a GIDS card, or a PIV card Cardwarden issued
 * (its PUK comes from the help desk's response).
 */
export function connectHelpDeskCard(
  access: CardAccess,
  wantedReader: string | undefined,
  reporter: Reporter,
): Promise<ConnectedTypedCard & { readonly type: UnblockableType }> {
  return connectCardOfType(access, wantedReader, reporter, 'gids', 'piv');
}
