/** A failure the tool reports to the person or script, with a code scripts can branch on. */
import type { ErrorCode } from '@cardwarden/contract';
import { EXIT, type ExitCode } from './exit-codes.js';

/** Compiles only when every code is one of the contract's error codes. */
type ContractCodes<T extends ErrorCode> = T;

/**
 * Server refusals that `online` passes on with the server's own code (from the contract's error codes), so
 * scripts branch on the same codes as the web portals.
 */
export type ServerRefusalCode = ContractCodes<
  | 'card.not_found'
  | 'card.not_active'
  | 'user.not_active'
  | 'identity.answers_not_set'
  | 'identity.locked'
  | 'online_unlock.use_case_disabled'
  | 'online_unlock.last_attempt'
  | 'online_unlock.wrong_answers'
  | 'online_unlock.rate_limited'
  | 'online_unlock.expired'
  | 'online_unlock.closed'
  | 'online_unlock.not_found'
  | 'online_unlock.unavailable'
  | 'online_unlock.proof_invalid'
  | 'online_unlock.no_proof'
  | 'offline_unblock.approval_required'
  | 'offline_unblock.attempts_exhausted'
  | 'challenge.empty'
  | 'challenge.bad_character'
  | 'challenge.bad_length'
  | 'sso.step_up_required'
  | 'sso.not_configured'
  | 'sso.no_account'
  | 'sso.failed'
  | 'sso.exchange_invalid'
  | 'sso.provider_unavailable'
  | 'self_service.account_suspended'
>;

/** Failure codes of `--json` output, `area.reason` like the server's. */
export type FailureCode =
  | ServerRefusalCode
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
  | 'input.ended'
  | 'input.interrupted'
  | 'answer.bad_format'
  | 'card.no_serial'
  | 'card.registration_mismatch'
  | 'server.unreachable'
  | 'server.tls'
  | 'server.bad_answer'
  | 'server.error'
  | 'issuance.refused'
  | 'issuance.sign_in'
  | 'sso.timeout';

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
  'input.interrupted': EXIT.INTERRUPTED,
  'answer.bad_format': EXIT.INPUT_REFUSED,
  'card.no_serial': EXIT.UNSUPPORTED_CARD,
  'card.registration_mismatch': EXIT.USE_HELP_DESK,
  'server.unreachable': EXIT.SERVER_PROBLEM,
  'server.tls': EXIT.SERVER_PROBLEM,
  'server.bad_answer': EXIT.SERVER_PROBLEM,
  'server.error': EXIT.SERVER_PROBLEM,
  'issuance.refused': EXIT.SERVER_PROBLEM,
  'issuance.sign_in': EXIT.WRONG_SECRET,
  'card.not_found': EXIT.USE_HELP_DESK,
  'card.not_active': EXIT.USE_HELP_DESK,
  'user.not_active': EXIT.USE_HELP_DESK,
  'identity.answers_not_set': EXIT.USE_HELP_DESK,
  'identity.locked': EXIT.BLOCKED,
  'online_unlock.use_case_disabled': EXIT.USE_HELP_DESK,
  'online_unlock.last_attempt': EXIT.USE_HELP_DESK,
  'online_unlock.wrong_answers': EXIT.WRONG_SECRET,
  'online_unlock.rate_limited': EXIT.SERVER_PROBLEM,
  'online_unlock.expired': EXIT.START_AGAIN,
  'online_unlock.closed': EXIT.START_AGAIN,
  'online_unlock.not_found': EXIT.START_AGAIN,
  'online_unlock.unavailable': EXIT.USE_HELP_DESK,
  'online_unlock.proof_invalid': EXIT.USE_HELP_DESK,
  'online_unlock.no_proof': EXIT.START_AGAIN,
  'offline_unblock.approval_required': EXIT.USE_HELP_DESK,
  'offline_unblock.attempts_exhausted': EXIT.USE_HELP_DESK,
  'challenge.empty': EXIT.USE_HELP_DESK,
  'challenge.bad_character': EXIT.USE_HELP_DESK,
  'challenge.bad_length': EXIT.USE_HELP_DESK,
  'sso.step_up_required': EXIT.USE_HELP_DESK,
  'sso.not_configured': EXIT.USE_HELP_DESK,
  'sso.no_account': EXIT.USE_HELP_DESK,
  'self_service.account_suspended': EXIT.USE_HELP_DESK,
  'sso.failed': EXIT.START_AGAIN,
  'sso.exchange_invalid': EXIT.START_AGAIN,
  'sso.timeout': EXIT.START_AGAIN,
  'sso.provider_unavailable': EXIT.SERVER_PROBLEM,
};

export class UnlockFailure extends Error {
  override readonly name = 'UnlockFailure';

  constructor(
    readonly code: FailureCode,
    message: string,
    /** Attempts the card (or, for wrong answers, the server) still allows, where it tells. */
    readonly attemptsLeft?: number,
  ) {
    super(message);
  }

  get exitCode(): ExitCode {
    return EXIT_OF[this.code];
  }
}
