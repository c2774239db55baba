/** A `CardTransport` to a software card in the same process, for tests that need no PC/SC stack. */
import { CardRemovedError, type CardTransport } from '@cardwarden/protocol/apdu';
import type { SoftwareCard } from './software-card.js';

export class SoftwareCardTransport implements CardTransport {
  private inserted = true;

  constructor(private readonly card: SoftwareCard) {
    card.reset();
  }

  transmit(apdu: Uint8Array): Promise<Uint8Array> {
    if (!this.inserted) return Promise.reject(new CardRemovedError('the card was removed from the reader'));
    return Promise.resolve(this.card.process(apdu));
  }

  /** Takes the card out: the next transmit fails as PC/SC does, and the card loses its volatile state. */
  remove(): void {
    this.inserted = false;
    this.card.reset();
  }

  /** Puts the card back, freshly powered. */
  insert(): void {
    this.card.reset();
    this.inserted = true;
  }
}
