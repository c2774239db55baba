/**
 * The cardholder's Security questions form, without React: the rows it starts with, what is wrong with
 * each field as the cardholder types, and the request body. It checks what the server checks
 * (`security_answers.invalid` and friends), so a save fails only on what the browser cannot know.
 */
import type { MySecurityQuestions, SecurityAnswersBody } from '@cardwarden/contract';
import type { MessageKey } from '../../i18n/index.js';

/** Answers shorter than this, after normalising, are refused by the server (too easy to guess). */
export const MIN_ANSWER_LENGTH = 3;
/** A question of one's own: the contract's `SecurityQuestionText` (5 to 300 characters, trimmed). */
export const MIN_QUESTION_LENGTH = 5;
export const MAX_QUESTION_LENGTH = 300;
/** The most answers one request may set. */
export const MAX_ANSWERS = 10;
/** The choice "write my own question" in a row's question selector. */
export const CUSTOM = 'custom';

export interface AnswerRow {
  /** Stable across edits, for React. */
  readonly key: number;
  /** '' while nothing is chosen, a catalogue question's id, or CUSTOM. */
  readonly questionId: string;
  readonly customQuestion: string;
  readonly answer: string;
}

export interface RowErrors {
  readonly question: MessageKey | null;
  readonly customQuestion: MessageKey | null;
  readonly answer: MessageKey | null;
}

export interface FormCheck {
  readonly rows: readonly RowErrors[];
  /** Rows with nothing wrong. */
  readonly ready: number;
  /** Whether the form may be saved: enough rows, and nothing wrong in any. */
  readonly valid: boolean;
}

/**
 * An answer as the server compares it: Unicode NFKC, case folded, trimmed, inner white space collapsed
 * (the server's `normalizeAnswer`), so "  Paris " and "paris" count as the same answer here too.
 * @example normalizeAnswer('  New   YORK ') // 'new york'
 */
export function normalizeAnswer(answer: string): string {
  return answer.normalize('NFKC').toLowerCase().normalize('NFKC').trim().replace(/\s+/gu, ' ');
}

let nextKey = 0;

export function blankRow(): AnswerRow {
  nextKey += 1;
  return { key: nextKey, questionId: '', customQuestion: '', answer: '' };
}

/**
 * The rows the form starts with: the questions answered so far (their answers are never sent back, so
 * those stay empty), then blank rows up to `required`. A question retired from the catalogue, or one
 * of the cardholder's own where those are no longer allowed, cannot be chosen again and is left out.
 */
export function initialRows(my: MySecurityQuestions): AnswerRow[] {
  const inCatalogue = new Set(my.catalogue.map((question) => question.id));
  const rows: AnswerRow[] = [];
  for (const answered of my.answered) {
    if (answered.custom && my.allowCustom) {
      rows.push({ ...blankRow(), questionId: CUSTOM, customQuestion: answered.text });
    } else if (!answered.custom && inCatalogue.has(answered.questionId)) {
      rows.push({ ...blankRow(), questionId: answered.questionId });
    }
  }
  while (rows.length < Math.min(my.required, MAX_ANSWERS)) rows.push(blankRow());
  return rows.slice(0, MAX_ANSWERS);
}

/** How many rows the form may have: one per catalogue question, more with questions of one's own. */
export function maxRows(my: Pick<MySecurityQuestions, 'catalogue' | 'allowCustom'>): number {
  return my.allowCustom ? MAX_ANSWERS : Math.min(MAX_ANSWERS, my.catalogue.length);
}

/** Whether the value at `index` appeared in an earlier row (the later row is the one to change). */
function seenBefore(values: readonly string[], index: number): boolean {
  return values.slice(0, index).includes(values[index] ?? '');
}

/** Messages for fields left empty: named only after a first try to save. */
const BLANK: ReadonlySet<MessageKey> = new Set<MessageKey>([
  'securityAnswers.chooseQuestion',
  'securityAnswers.writeQuestion',
  'securityAnswers.answerMissing',
]);

function rowErrors(row: AnswerRow, index: number, questions: string[], answers: string[]): RowErrors {
  const custom = row.customQuestion.trim();
  const answer = answers[index] ?? '';
  let question: MessageKey | null = null;
  let customQuestion: MessageKey | null = null;
  if (row.questionId === '') question = 'securityAnswers.chooseQuestion';
  else if (row.questionId !== CUSTOM && seenBefore(questions, index))
    question = 'securityAnswers.duplicateQuestion';
  else if (row.questionId === CUSTOM && custom === '') customQuestion = 'securityAnswers.writeQuestion';
  else if (row.questionId === CUSTOM && custom.length < MIN_QUESTION_LENGTH)
    customQuestion = 'securityAnswers.questionTooShort';
  else if (row.questionId === CUSTOM && seenBefore(questions, index))
    customQuestion = 'securityAnswers.duplicateQuestion';
  return {
    question,
    customQuestion,
    answer:
      answer === ''
        ? 'securityAnswers.answerMissing'
        : answer.length < MIN_ANSWER_LENGTH
          ? 'securityAnswers.answerTooShort'
          : seenBefore(answers, index)
            ? 'securityAnswers.duplicateAnswer'
            : null,
  };
}

/**
 * What is wrong with each field. Empty fields count for `valid` but are named only when `showBlank`
 * (after the first try to save), so that a form being filled in is not all red.
 */
export function checkRows(rows: readonly AnswerRow[], required: number, showBlank: boolean): FormCheck {
  // Questions of one's own compare by their normalised text; catalogue questions by id.
  const questions = rows.map((row) =>
    row.questionId === CUSTOM ? `${CUSTOM}:${normalizeAnswer(row.customQuestion)}` : row.questionId,
  );
  const answers = rows.map((row) => normalizeAnswer(row.answer));
  const strict = rows.map((row, index) => rowErrors(row, index, questions, answers));
  const shown = (key: MessageKey | null) => (key !== null && !showBlank && BLANK.has(key) ? null : key);
  const ready = strict.filter((row) => !row.question && !row.customQuestion && !row.answer).length;
  return {
    rows: strict.map((row) => ({
      question: shown(row.question),
      customQuestion: shown(row.customQuestion),
      answer: shown(row.answer),
    })),
    ready,
    valid: ready === rows.length && rows.length >= required && rows.length <= MAX_ANSWERS,
  };
}

/** The request body of `PUT /api/v1/self-service/security-answers` (answers as typed: the server normalises). */
export function toBody(rows: readonly AnswerRow[]): SecurityAnswersBody {
  return {
    answers: rows.map((row) =>
      row.questionId === CUSTOM
        ? { customQuestion: row.customQuestion.trim(), answer: row.answer }
        : { questionId: row.questionId, answer: row.answer },
    ),
  };
}
