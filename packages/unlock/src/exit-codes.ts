/** Exit statuses of cardwarden-unlock (documented in docs/unlock-tool.md). */
export const EXIT = {
  /** Done: the PIN was unblocked, or the listing printed. */
  OK: 0,
  /** Something unexpected: a card error or a bug. */
  UNEXPECTED: 1,
  /** Wrong options. */
  USAGE: 2,
  /** No PC/SC, no reader, no card, or several cards and no --reader. */
  NO_CARD: 3,
  /** Wrong response or wrong PUK; the card may allow more attempts. */
  WRONG_SECRET: 4,
  /** The admin key or the PUK is blocked: this card cannot be unblocked this way any more. */
  BLOCKED: 5,
  /** The card was removed or reset mid-way, or lost its challenge: start again for a new challenge. */
  START_AGAIN: 6,
  /** The card does not support this kind of unblock. */
  UNSUPPORTED_CARD: 7,
  /** What was typed was refused (response format, PIN rules, PINs differ, input ended). */
  INPUT_REFUSED: 8,
  /**
   * `online`: the server could not be reached or did not answer as it should (no connection, TLS failure,
   * too busy, an answer of the wrong shape). Nothing was changed on the card.
   */
  SERVER_PROBLEM: 9,
  /** `online`: the server refuses an online unlock for this card or cardholder: unblock offline with the help desk. */
  USE_HELP_DESK: 10,
  /** Ctrl-C at a prompt: the terminal is restored and nothing more is sent (128 + SIGINT, as shells use). */
  INTERRUPTED: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
