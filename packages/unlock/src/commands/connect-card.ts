/** Picks the reader, connects and identifies the card: the first steps of every command but `list`. */
import type { CardAccess, ConnectedCard } from '../card-access.js';
import { identifyCard, type CardIdentity } from '../card/identify-card.js';
import { chooseReader } from '../reader-choice.js';

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
