/**
 * Asks the security questions of an online unlock, one answer per question in the server's order. Answers
 * are sent as typed (the server normalises case, spaces and Unicode form) and never printed back.
 */
import type { LineInput } from '../io/line-input.js';
import type { Reporter } from '../io/reporter.js';
import { sentence } from '../io/sentence.js';
import type { SecurityAnswer } from '../online/online-unlock-client.js';
import { UnlockFailure } from '../unlock-failure.js';

export interface SecurityQuestion {
  readonly id: string;
  readonly text: string;
}

/** The contract's longest answer. */
const MAX_ANSWER_LENGTH = 500;

/** Why an answer cannot be right, or undefined when it may be. */
export function checkAnswer(answer: string): string | undefined {
  if (answer.trim() === '') return 'the answer is empty';
  if (answer.length > MAX_ANSWER_LENGTH) return `the answer is longer than ${MAX_ANSWER_LENGTH} characters`;
  return undefined;
}

/**
 * One answer per question: once for scripts (an empty answer ends the run before anything is sent), until
 * plausible for people.
 */
export async function askAnswers(
  input: LineInput,
  reporter: Reporter,
  questions: readonly SecurityQuestion[],
): Promise<SecurityAnswer[]> {
  const answers: SecurityAnswer[] = [];
  for (const [index, question] of questions.entries()) {
    reporter.say(`\nQuestion ${index + 1} of ${questions.length}: ${question.text}`);
    for (;;) {
      const answer = await input.next(reporter.json ? undefined : 'Answer: ');
      if (answer === undefined) {
        throw new UnlockFailure(
          'input.ended',
          'the input ended before every question was answered; nothing was sent to the server',
        );
      }
      const problem = checkAnswer(answer);
      if (problem === undefined) {
        answers.push({ questionId: question.id, answer });
        break;
      }
      if (reporter.json) {
        throw new UnlockFailure(
          'answer.bad_format',
          `${problem} (question ${index + 1}); nothing was sent to the server`,
        );
      }
      reporter.say(`${sentence(problem)}. Type the answer again.`);
    }
  }
  return answers;
}
