/** The readers and cards the tool works with, whatever provides them (PC/SC, or software cards in tests). */
import type { CardTransport } from '@cardwarden/protocol/apdu';

export interface ReaderInfo {
  readonly name: string;
  readonly cardPresent: boolean;
}

export interface ConnectedCard {
  readonly transport: CardTransport;
  /** Ends the connection and leaves the card as it is. */
  disconnect(): Promise<void>;
}

export interface CardAccess {
  listReaders(): Promise<ReaderInfo[]>;
  connect(readerName: string): Promise<ConnectedCard>;
  close(): Promise<void>;
}
