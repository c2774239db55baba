/** What every software card offers to the transports that carry APDUs to it. */
export interface SoftwareCard {
  /** The answer to reset the reader reports. */
  readonly atr: Uint8Array;
  /** Processes one command APDU and returns the response APDU (data ‖ SW1 SW2). Never throws. */
  process(command: Uint8Array): Uint8Array;
  /** Power off, power on or reset: clears everything volatile (selection, authentications, challenges). */
  reset(): void;
}

/** Called after every change to a card's persistent state, before the response leaves the card. */
export type PersistListener<State> = (state: Readonly<State>) => void;
