import { describe, expect, it } from 'vitest';
import { ApiError, isApiError, toApiError } from './api-error.js';

describe('toApiError', () => {
  it('reads the API error body, with attempts left where given', () => {
    const error = toApiError(403, {
      error: { code: 'offline_unblock.approval_required', message: 'a supervisor must approve' },
      attemptsRemaining: 1,
    });
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(403);
    expect(error.code).toBe('offline_unblock.approval_required');
    expect(error.message).toBe('a supervisor must approve');
    expect(error.attemptsRemaining).toBe(1);
    expect(isApiError(error, 'offline_unblock.approval_required')).toBe(true);
    expect(isApiError(error, 'card.not_found')).toBe(false);
  });

  it('names the status when the body is not ours (a proxy, a crash)', () => {
    for (const body of [null, 'Bad Gateway', { error: 'nope' }, { error: { message: 'no code' } }]) {
      const error = toApiError(502, body);
      expect(error.code).toBe('http.502');
      expect(error.status).toBe(502);
    }
    expect(isApiError(new Error('other'))).toBe(false);
  });
});
