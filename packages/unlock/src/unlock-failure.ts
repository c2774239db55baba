/** A failure the tool reports to the person or script, with a code scripts can branch on. */
import { EXIT, type ExitCode } from './exit-codes.js';

/** Failure codes of `--json` output, `area.reason` like the server's. */
export type FailureCode =
  | 'pcsc.unavailable'
  | 'reader.none'
  | 'reader.not_found'
  | 'card.absent'
  | 'card.ambiguous'
  | 'card.unsupported'
  | 'card.no_challenge_response'
  | 'card.no_puk'
  | 'card.removed'
  | 'card.error'
  | 'challenge.expired'
  | 'response.bad_format'
  | 'response.wrong'
  | 'admin_key.blocked'
  | 'puk.wrong'
  | 'puk.blocked'
  | 'pin.rules'
  | 'pin.mismatch'
  | 'pin.refused_by_card'
  | 'input.ended';

const EXIT_OF: Readonly<Record<FailureCode, ExitCode>> = {
  'pcsc.unavailable': EXIT.NO_CARD,
  'reader.none': EXIT.NO_CARD,
  'reader.not_found': EXIT.NO_CARD,
  'card.absent': EXIT.NO_CARD,
  'card.ambiguous': EXIT.NO_CARD,
  'card.unsupported': EXIT.UNSUPPORTED_CARD,
  'card.no_challenge_response': EXIT.UNSUPPORTED_CARD,
  'card.no_puk': EXIT.UNSUPPORTED_CARD,
  'card.removed': EXIT.START_AGAIN,
  'card.error': EXIT.UNEXPECTED,
  'challenge.expired': EXIT.START_AGAIN,
  'response.bad_format': EXIT.INPUT_REFUSED,
  'response.wrong': EXIT.WRONG_SECRET,
  'admin_key.blocked': EXIT.BLOCKED,
  'puk.wrong': EXIT.WRONG_SECRET,
  'puk.blocked': EXIT.BLOCKED,
  'pin.rules': EXIT.INPUT_REFUSED,
  'pin.mismatch': EXIT.INPUT_REFUSED,
  'pin.refused_by_card': EXIT.INPUT_REFUSED,
  'input.ended': EXIT.INPUT_REFUSED,
};

export class UnlockFailure extends Error {
  override readonly name = 'UnlockFailure';

  constructor(
    readonly code: FailureCode,
    message: string,
    /** Attempts the card still allows, where it tells. */
    readonly attemptsLeft?: number,
  ) {
    super(message);
  }

  get exitCode(): ExitCode {
    return EXIT_OF[this.code];
  }
}
