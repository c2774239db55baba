import { describe, expect, it } from 'vitest';
import { ERROR_CODES, UNAVAILABLE_REASONS } from '@cardwarden/contract';
import { errorMessage, reasonMessage, t } from './index.js';
import { en, errorMessagesEn } from './messages.en.js';

describe('message catalogue', () => {
  it('fills parameters', () => {
    expect(t('unblock.progress', { count: 12, expected: 16 })).toBe('12 of 16 characters');
  });

  it('has a friendly message for every API error code', () => {
    const missing = Object.keys(ERROR_CODES).filter((code) => !Object.hasOwn(errorMessagesEn, code));
    expect(missing, 'add these codes to errorMessagesEn in messages.en.ts').toEqual([]);
    for (const code of Object.keys(ERROR_CODES)) {
      const message = errorMessage(code);
      expect(message.length, code).toBeGreaterThan(10);
      expect(message, code).not.toContain(code);
    }
    expect(errorMessage('self_service.last_attempt')).toMatch(/call the help desk/i);
  });

  it('falls back to the server message for codes it does not know', () => {
    expect(errorMessage('something.new', 'from the server')).toBe('from the server');
  });

  it('explains every reason an unblock is not available', () => {
    for (const reason of UNAVAILABLE_REASONS) expect(reasonMessage(reason).length).toBeGreaterThan(5);
  });

  it('keeps the labels the acceptance check drives by', () => {
    expect(en['signIn.username']).toBe('Username');
    expect(en['signIn.password']).toBe('Password');
    expect(en['signIn.submit']).toBe('Sign in');
    expect(en['lookup.label']).toBe('User Lookup');
    expect(en['card.generate']).toBe('Generate Offline Unblock');
    expect(en['unblock.challenge']).toBe('Challenge');
    expect(en['unblock.generate']).toBe('Generate Response');
    expect(en['unblock.response']).toBe('Response');
    expect(en['unblock.cancel']).toBe('Cancel');
    expect(en['self.unblock']).toBe('Unblock PIN offline');
  });

  it('uses every parameter placeholder consistently', () => {
    for (const [key, text] of Object.entries(en)) {
      expect(text, key).not.toMatch(/\{\s|\s\}/);
    }
  });
});
