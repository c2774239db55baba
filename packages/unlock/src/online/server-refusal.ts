/**
 * Turns the server's refusals of an online unlock into advice for the cardholder. The JSON code stays the
 * server's (`online_unlock.last_attempt`…), so scripts branch on the contract's codes.
 */
import { ErrorBody } from '@cardwarden/contract';
import { UnlockFailure, type ServerRefusalCode } from '../unlock-failure.js';

/** The advice whenever online unlock cannot be used for this card. */
export const USE_OFFLINE_UNBLOCK =
  'use offline unblock with your help desk instead (cardwarden-unlock offline)';
const CHALLENGE_REFUSED = `the server refused the card’s challenge: the card does not match what the server holds for it; ${USE_OFFLINE_UNBLOCK}`;

/** Advice per refusal; `attempts` is the server's `attemptsRemaining` where it sends one. */
const ADVICE = {
  'card.not_found': () =>
    `the server does not know this card, so it cannot be unlocked online; ${USE_OFFLINE_UNBLOCK}`,
  // The help desk cannot unblock these either: say who can.
  'card.not_active': () =>
    'this card is suspended or revoked, so neither online unlock nor the help desk can unblock it: ask your administrator to reactivate it, or for a replacement card',
  'user.not_active': () =>
    'your account is suspended, so neither online unlock nor the help desk can unblock your card: contact your administrator',
  'identity.answers_not_set': () =>
    `you have not set your security questions, so your card cannot be unlocked online; ${USE_OFFLINE_UNBLOCK}, and afterwards set your answers in self-service (Security questions)`,
  'online_unlock.use_case_disabled': () =>
    `online unlock is not enabled for this card; ${USE_OFFLINE_UNBLOCK}`,
  'online_unlock.last_attempt': () =>
    `the card has a single admin-key attempt left, which only the help desk may use; ${USE_OFFLINE_UNBLOCK}`,
  'online_unlock.unavailable': () =>
    `online unlock is not available for this card (the server does not know it, online unlock is off for it, the card or your account is suspended, your security answers are not set, or only the help desk may unblock it now); ${USE_OFFLINE_UNBLOCK}`,
  'online_unlock.proof_invalid': () =>
    `the card's proof of the unblock did not match what the server holds for it; ${USE_OFFLINE_UNBLOCK}`,
  'online_unlock.no_proof': () => 'the unlock session has nothing to confirm; run the unlock again',
  'offline_unblock.approval_required': () =>
    `this card has had as many unblock responses in the last 24 hours as its admin key allows; ${USE_OFFLINE_UNBLOCK} (a supervisor must approve another)`,
  'offline_unblock.attempts_exhausted': () =>
    'this card’s admin key is blocked (every attempt it allows is used up), so no response can unblock it: ask your help desk for a replacement card',
  'identity.locked': () =>
    'too many wrong answers: online unlock is locked for you for a while; call your help desk (they can still unblock the card after checking who you are)',
  'online_unlock.wrong_answers': (attempts: number | undefined) =>
    attempts === undefined
      ? 'the server did not accept your answers; run the unlock again to try again, or call your help desk'
      : attempts > 0
        ? `the server did not accept your answers: ${attempts} attempt${attempts === 1 ? '' : 's'} left before online unlock locks for you. Check your answers and run the unlock again, or call your help desk`
        : 'the server did not accept your answers, and online unlock is now locked for you; call your help desk',
  'online_unlock.rate_limited': () =>
    'too many unlock attempts for this card or from this network; wait a few minutes and try again',
  'online_unlock.expired': () =>
    'the unlock session expired before the answers arrived (it lasts a few minutes); run the unlock again',
  'online_unlock.closed': () => 'the unlock session is already closed; run the unlock again',
  'online_unlock.not_found': () => 'the server no longer knows this unlock session; run the unlock again',
  'challenge.empty': () => CHALLENGE_REFUSED,
  'challenge.bad_character': () => CHALLENGE_REFUSED,
  'challenge.bad_length': () => CHALLENGE_REFUSED,
  'sso.step_up_required': () =>
    "this card's profile requires a fresh single sign-on first: run the unlock again with --sso and sign in when the browser opens",
  'sso.not_configured': () =>
    `single sign-on is not set up on this server, so --sso cannot be used; run the unlock without --sso, or ${USE_OFFLINE_UNBLOCK}`,
  'sso.no_account': () =>
    `the single sign-on account you signed in with is not the holder of a card here; sign in as yourself, or ${USE_OFFLINE_UNBLOCK}`,
  'self_service.account_suspended': () =>
    'your account is suspended, so your card cannot be unlocked online: contact your administrator',
  'sso.failed': () => 'the identity provider did not sign you in; run the unlock again with --sso',
  'sso.exchange_invalid': () =>
    'the single sign-on wait expired before you signed in (it lasts 10 minutes); run the unlock again with --sso',
  'sso.provider_unavailable': () =>
    'the identity provider cannot be reached from the server; try again in a few minutes',
} satisfies Record<ServerRefusalCode, (attempts: number | undefined) => string>;

/** A wait in seconds, as a person reads it. */
function describeWait(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes < 120 ? `${minutes} minutes` : `${Math.ceil(minutes / 60)} hours`;
}

function isRefusalCode(code: string): code is ServerRefusalCode {
  return Object.hasOwn(ADVICE, code);
}

/**
 * The failure for an answer that is not the expected success: the server's error body checked against the
 * contract, then turned into advice. A body that is not a Cardwarden error gives `server.bad_answer`.
 * @example refusalFailure(423, { error: { code: 'identity.locked', message: '…' } }).exitCode // 5
 */
export function refusalFailure(status: number, body: unknown): UnlockFailure {
  if (status >= 300 && status <= 399) {
    return new UnlockFailure(
      'server.bad_answer',
      `the server redirects elsewhere (HTTP ${status}); the tool does not follow redirects with your answers: give --server the address it redirects to (often https:// instead of http://); nothing was changed on the card`,
    );
  }
  const parsed = ErrorBody.safeParse(body);
  if (!parsed.success) {
    return new UnlockFailure(
      'server.bad_answer',
      `the server answered HTTP ${status} with something that is not a Cardwarden answer; check that --server is the Cardwarden server's address; nothing was changed on the card`,
    );
  }
  const { error, attemptsRemaining, retryAfter } = parsed.data;
  if (isRefusalCode(error.code)) {
    const wait = retryAfter === undefined ? '' : ` (try again online in ${describeWait(retryAfter)})`;
    return new UnlockFailure(
      error.code,
      `${ADVICE[error.code](attemptsRemaining)}${wait}`,
      attemptsRemaining,
    );
  }
  return new UnlockFailure(
    'server.error',
    `the server refused (${error.code}: ${error.message}); try again later, or call your help desk; nothing was changed on the card`,
  );
}
