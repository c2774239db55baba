/**
 * Security answers are compared after normalisation, so that "  Paris ", "paris" and "ＰＡＲＩＳ" are the
 * same answer: Unicode NFKC, case folded, trimmed, inner white space collapsed to one space.
 */
export function normalizeAnswer(answer: string): string {
  return answer.normalize('NFKC').toLowerCase().normalize('NFKC').trim().replace(/\s+/gu, ' ');
}

/** Answers shorter than this (after normalisation) are too easy to guess. */
export const MIN_ANSWER_LENGTH = 3;
