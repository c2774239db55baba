/** Errors a `CardTransport` raises, whatever carries the APDUs (PC/SC, vpcd, in memory). */

/**
 * The card left the reader, or was reset, between two commands. Everything volatile on the card is gone:
 * a pending challenge, an authentication; the caller must start over.
 */
export class CardRemovedError extends Error {
  override readonly name = 'CardRemovedError';
}
