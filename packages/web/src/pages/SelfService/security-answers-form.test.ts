import { describe, expect, it } from 'vitest';
import type { MySecurityQuestions } from '@cardwarden/contract';
import {
  blankRow,
  checkRows,
  CUSTOM,
  initialRows,
  MAX_ANSWERS,
  maxRows,
  normalizeAnswer,
  toBody,
  type AnswerRow,
} from './security-answers-form.js';

const PET = '0b8e4a3c-1d2f-4e5a-9b6c-7d8e9f0a1b2c';
const CITY = '1c9f5b4d-2e3a-4f6b-8c7d-8e9f0a1b2c3d';
const SCHOOL = '2d0a6c5e-3f4b-4a7c-9d8e-9f0a1b2c3d4e';

function my(overrides: Partial<MySecurityQuestions> = {}): MySecurityQuestions {
  return {
    catalogue: [
      { id: PET, text: 'What was the name of your first pet?' },
      { id: CITY, text: 'In which city were you born?' },
      { id: SCHOOL, text: 'What was the name of your first school?' },
    ],
    allowCustom: false,
    required: 2,
    answered: [],
    locked: false,
    ...overrides,
  };
}

function row(questionId: string, answer: string, customQuestion = ''): AnswerRow {
  return { ...blankRow(), questionId, answer, customQuestion };
}

describe('normalizeAnswer', () => {
  it('compares as the server does: case, outer and inner spaces, Unicode form', () => {
    expect(normalizeAnswer('  New   YORK ')).toBe('new york');
    expect(normalizeAnswer('ＰＡＲＩＳ')).toBe('paris');
    expect(normalizeAnswer('Zu\u0308rich')).toBe(normalizeAnswer('Z\u00fcrich'));
  });
});

describe('initialRows', () => {
  it('starts with blank rows up to the number required', () => {
    const rows = initialRows(my({ required: 3 }));
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.questionId === '' && r.answer === '')).toBe(true);
    expect(new Set(rows.map((r) => r.key)).size).toBe(3);
  });

  it('keeps the questions answered so far, never their answers, and leaves out retired ones', () => {
    const rows = initialRows(
      my({
        required: 2,
        allowCustom: true,
        answered: [
          { questionId: CITY, text: 'In which city were you born?', custom: false, setAt: '' },
          { questionId: 'retired', text: 'Old question?', custom: false, setAt: '' },
          { questionId: 'mine', text: 'My own question?', custom: true, setAt: '' },
        ],
      }),
    );
    expect(rows.map((r) => [r.questionId, r.customQuestion, r.answer])).toEqual([
      [CITY, '', ''],
      [CUSTOM, 'My own question?', ''],
    ]);
  });

  it('drops questions of one’s own when they are no longer allowed', () => {
    const rows = initialRows(
      my({ answered: [{ questionId: 'mine', text: 'My own question?', custom: true, setAt: '' }] }),
    );
    expect(rows.map((r) => r.questionId)).toEqual(['', '']);
  });
});

describe('maxRows', () => {
  it('is one per catalogue question, or the API’s limit with questions of one’s own', () => {
    expect(maxRows(my())).toBe(3);
    expect(maxRows(my({ allowCustom: true }))).toBe(MAX_ANSWERS);
    expect(maxRows(my({ catalogue: [] }))).toBe(0);
  });
});

describe('checkRows', () => {
  it('accepts distinct questions with distinct answers of three characters or more', () => {
    const check = checkRows([row(PET, 'Rex'), row(CITY, 'Paris')], 2, true);
    expect(check.valid).toBe(true);
    expect(check.ready).toBe(2);
    expect(check.rows.every((r) => !r.question && !r.customQuestion && !r.answer)).toBe(true);
  });

  it('needs at least the number required', () => {
    const check = checkRows([row(PET, 'Rex')], 2, true);
    expect(check.ready).toBe(1);
    expect(check.valid).toBe(false);
  });

  it('names empty fields only after a first try to save, but never counts them as ready', () => {
    const rows = [row(PET, 'Rex'), row('', '')];
    const typing = checkRows(rows, 2, false);
    expect(typing.rows[1]).toEqual({ question: null, customQuestion: null, answer: null });
    expect(typing.valid).toBe(false);
    const saving = checkRows(rows, 2, true);
    expect(saving.rows[1]).toEqual({
      question: 'securityAnswers.chooseQuestion',
      customQuestion: null,
      answer: 'securityAnswers.answerMissing',
    });
  });

  it('flags an answer too short after normalising, as the server counts', () => {
    const check = checkRows([row(PET, '  AB   '), row(CITY, 'Paris')], 2, false);
    expect(check.rows[0]?.answer).toBe('securityAnswers.answerTooShort');
    expect(check.valid).toBe(false);
    // Inner spaces collapse to one, which counts (as on the server).
    expect(checkRows([row(PET, ' a    b '), row(CITY, 'Paris')], 2, false).valid).toBe(true);
  });

  it('flags the later of two equal answers, ignoring case and spaces', () => {
    const check = checkRows([row(PET, 'Paris'), row(CITY, '  PARIS ')], 2, false);
    expect(check.rows[0]?.answer).toBeNull();
    expect(check.rows[1]?.answer).toBe('securityAnswers.duplicateAnswer');
    expect(check.valid).toBe(false);
  });

  it('flags a question chosen twice', () => {
    const check = checkRows([row(PET, 'Rex'), row(PET, 'Felix')], 2, false);
    expect(check.rows[1]?.question).toBe('securityAnswers.duplicateQuestion');
    expect(check.valid).toBe(false);
  });

  it('checks questions of one’s own: written, long enough, not written twice', () => {
    expect(checkRows([row(CUSTOM, 'Rex', '')], 1, true).rows[0]?.customQuestion).toBe(
      'securityAnswers.writeQuestion',
    );
    expect(checkRows([row(CUSTOM, 'Rex', '')], 1, false).rows[0]?.customQuestion).toBeNull();
    expect(checkRows([row(CUSTOM, 'Rex', 'Pet?')], 1, false).rows[0]?.customQuestion).toBe(
      'securityAnswers.questionTooShort',
    );
    const twice = checkRows(
      [row(CUSTOM, 'Rex', 'My first car?'), row(CUSTOM, 'Golf', ' my FIRST car? ')],
      2,
      false,
    );
    expect(twice.rows[1]?.customQuestion).toBe('securityAnswers.duplicateQuestion');
    expect(checkRows([row(CUSTOM, 'Rex', 'My first car?'), row(PET, 'Felix')], 2, false).valid).toBe(true);
  });

  it('refuses more answers than one request may carry', () => {
    const rows = Array.from({ length: MAX_ANSWERS + 1 }, (_, i) =>
      row(CUSTOM, `answer ${i}`, `Question ${i}?`),
    );
    expect(checkRows(rows, 1, false).valid).toBe(false);
  });
});

describe('toBody', () => {
  it('sends catalogue questions by id and one’s own by text, answers as typed', () => {
    expect(toBody([row(PET, ' Rex '), row(CUSTOM, 'Golf', '  My first car?  ')])).toEqual({
      answers: [
        { questionId: PET, answer: ' Rex ' },
        { customQuestion: 'My first car?', answer: 'Golf' },
      ],
    });
  });
});
