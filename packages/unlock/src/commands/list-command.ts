/** `cardwarden-unlock list`: readers and cards, with card type, serial and PIN state. */
import type { CardAccess } from '../card-access.js';
import { identifyCard, type CardIdentity, type PinState } from '../card/identify-card.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { Reporter } from '../io/reporter.js';

interface ReaderListing {
  readonly name: string;
  readonly card: (CardIdentity & { readonly error?: string }) | null;
}

function describePin(pin: PinState | undefined): string {
  if (!pin) return 'PIN state unknown';
  if (pin.blocked) return 'PIN blocked';
  if (pin.triesLeft === undefined) return 'PIN verified';
  return `PIN ${pin.triesLeft}${pin.tryLimit === undefined ? '' : `/${pin.tryLimit}`} tries left`;
}

function describe(listing: ReaderListing): string {
  const { card } = listing;
  if (!card) return `${listing.name}: no card`;
  if (card.type === 'unknown')
    return `${listing.name}: a card this tool does not know${card.error ? ` (${card.error})` : ''}`;
  const serial = card.serial ? `, serial ${card.serial}` : '';
  return `${listing.name}: ${card.type.toUpperCase()} card${serial}, ${describePin(card.pin)}`;
}

export async function listCommand(access: CardAccess, reporter: Reporter): Promise<ExitCode> {
  const readers = await access.listReaders();
  const listings: ReaderListing[] = [];
  for (const reader of readers) {
    if (!reader.cardPresent) {
      listings.push({ name: reader.name, card: null });
      continue;
    }
    try {
      const connected = await access.connect(reader.name);
      try {
        listings.push({ name: reader.name, card: await identifyCard(connected.transport) });
      } finally {
        await connected.disconnect();
      }
    } catch (error) {
      listings.push({ name: reader.name, card: { type: 'unknown', error: (error as Error).message } });
    }
  }
  if (reporter.json) {
    reporter.emit({ readers: listings });
  } else if (listings.length === 0) {
    reporter.say('No smart-card reader found. Connect a reader, and check that pcscd is running.');
  } else {
    for (const listing of listings) reporter.say(describe(listing));
  }
  return EXIT.OK;
}
