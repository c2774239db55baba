import { describe, expect, it } from 'vitest';
import { EXIT } from '../exit-codes.js';
import { refusalFailure } from './server-refusal.js';

const refusal = (status: number, code: string, attemptsRemaining?: number) =>
  refusalFailure(status, {
    error: { code, message: 'the server’s own words' },
    ...(attemptsRemaining === undefined ? {} : { attemptsRemaining }),
  });

describe('refusalFailure', () => {
  it('sends the cardholder to the help desk when online unlock is not for this card', () => {
    for (const [status, code] of [
      [403, 'online_unlock.use_case_disabled'],
      [403, 'online_unlock.unavailable'],
      [403, 'offline_unblock.approval_required'],
      [422, 'online_unlock.proof_invalid'],
      [409, 'identity.answers_not_set'],
      [409, 'online_unlock.last_attempt'],
      [404, 'card.not_found'],
      [422, 'challenge.bad_length'],
    ] as const) {
      const failure = refusal(status, code);
      expect(failure.code).toBe(code);
      expect(failure.message).toMatch(/use offline unblock with your help desk/);
      expect(failure.exitCode).toBe(EXIT.USE_HELP_DESK);
    }
    expect(refusal(409, 'identity.answers_not_set').message).toMatch(/set your answers in self-service/);
  });

  it('says what is wrong and who can fix it when the help desk cannot help either', () => {
    const user = refusal(409, 'user.not_active');
    expect(user.message).toMatch(/your account is suspended.*contact your administrator/);
    expect(user.message).not.toMatch(/use offline unblock/);
    const card = refusal(409, 'card.not_active');
    expect(card.message).toMatch(/this card is suspended or revoked.*administrator.*replacement card/);
    const blocked = refusal(409, 'offline_unblock.attempts_exhausted');
    expect(blocked.message).toMatch(
      /this card’s admin key is blocked.*ask your help desk for a replacement card/,
    );
    for (const failure of [user, card, blocked]) expect(failure.exitCode).toBe(EXIT.USE_HELP_DESK);
  });

  it('counts wrong answers down, and says when the cardholder is locked out', () => {
    const wrong = refusal(401, 'online_unlock.wrong_answers', 2);
    expect(wrong).toMatchObject({ code: 'online_unlock.wrong_answers', attemptsLeft: 2 });
    expect(wrong.message).toMatch(/2 attempts left/);
    expect(wrong.exitCode).toBe(EXIT.WRONG_SECRET);
    expect(refusal(401, 'online_unlock.wrong_answers', 1).message).toMatch(/1 attempt left/);
    expect(refusal(401, 'online_unlock.wrong_answers', 0).message).toMatch(/now locked/);
    const locked = refusal(423, 'identity.locked');
    expect(locked.message).toMatch(/too many wrong answers.*call your help desk/);
    expect(locked.exitCode).toBe(EXIT.BLOCKED);
    const timed = refusalFailure(423, {
      error: { code: 'identity.locked', message: 'locked' },
      attemptsRemaining: 0,
      retryAfter: 900,
    });
    expect(timed.message).toMatch(/try again online in 15 minutes/);
  });

  it('asks to start again after an expired session, and to wait when rate-limited', () => {
    expect(refusal(409, 'online_unlock.expired').exitCode).toBe(EXIT.START_AGAIN);
    expect(refusal(409, 'online_unlock.closed').exitCode).toBe(EXIT.START_AGAIN);
    const limited = refusal(429, 'online_unlock.rate_limited');
    expect(limited.message).toMatch(/wait a few minutes/);
    expect(limited.exitCode).toBe(EXIT.SERVER_PROBLEM);
  });

  it('passes on other contract errors with the server’s message', () => {
    const failure = refusal(500, 'internal.error');
    expect(failure).toMatchObject({ code: 'server.error' });
    expect(failure.message).toMatch(/internal\.error: the server’s own words/);
  });

  it('does not trust what is not a Cardwarden error', () => {
    expect(refusalFailure(502, undefined).code).toBe('server.bad_answer');
    expect(refusalFailure(404, { error: { code: 'made.up', message: 'x' } }).code).toBe('server.bad_answer');
    expect(refusalFailure(401, { error: { code: 'online_unlock.wrong_answers' } }).code).toBe(
      'server.bad_answer',
    );
    expect(refusalFailure(301, undefined).message).toMatch(/redirects/);
  });
});
