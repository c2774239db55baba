/** Picks the reader, connects and identifies the card: the first steps of every command but `list`. */
import type { CardAccess, ConnectedCard } from '../card-access.js';
import { identifyCard, type CardIdentity } from '../card/identify-card.js';
import type { Reporter } from '../io/reporter.js';
import { chooseReader } from '../reader-choice.js';
import { UnlockFailure } from '../unlock-failure.js';

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

export interface ConnectedGidsCard {
  readonly readerName: string;
  readonly card: ConnectedCard;
  readonly serial: string | undefined;
}

/**
 * Connects to a GIDS card for a challenge/response unblock (`offline`, `online`) and says which card it is;
 * other cards are refused with what to do instead.
 */
export async function connectGidsCard(
  access: CardAccess,
  wantedReader: string | undefined,
  reporter: Reporter,
): Promise<ConnectedGidsCard> {
  const { card, identity, readerName } = await connectCard(access, wantedReader);
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
    return { card, readerName, serial: identity.serial };
  } catch (error) {
    await card.disconnect();
    throw error;
  }
}
