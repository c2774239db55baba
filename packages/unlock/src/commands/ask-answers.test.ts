import { describe, expect, it } from 'vitest';
import { collector, scriptedInput } from '../../test/software-card-access.js';
import { createReporter } from '../io/reporter.js';
import { askAnswers, checkAnswer } from './ask-answers.js';

const QUESTIONS = [
  { id: 'q1', text: 'Your first pet?' },
  { id: 'q2', text: 'Your first school?' },
];

function answering(json: boolean, lines: (string | undefined)[]) {
  const stdout = collector();
  const stderr = collector();
  const input = scriptedInput(
    lines.map((line) => () => line),
    () => '',
  );
  const reporter = createReporter(json, stdout, stderr);
  return { run: () => askAnswers(input, reporter, QUESTIONS), stdout, stderr };
}

describe('askAnswers', () => {
  it('pairs one answer with each question, in order, and never prints an answer', async () => {
    const { run, stdout, stderr } = answering(false, ['Rex', '  Hill Street  ']);
    expect(await run()).toEqual([
      { questionId: 'q1', answer: 'Rex' },
      { questionId: 'q2', answer: '  Hill Street  ' },
    ]);
    expect(stdout.text()).toMatch(/Question 1 of 2: Your first pet\?[\s\S]*Question 2 of 2/);
    expect(`${stdout.text()}${stderr.text()}`).not.toMatch(/Rex|Hill/);
  });

  it('asks a person again after an empty answer', async () => {
    const { run, stdout } = answering(false, ['   ', 'Rex', 'Hill Street']);
    expect(await run()).toHaveLength(2);
    expect(stdout.text()).toMatch(/The answer is empty\. Type the answer again\./);
  });

  it('ends a script’s run on an empty answer or ended input, before anything is sent', async () => {
    await expect(answering(true, ['Rex', '']).run()).rejects.toMatchObject({
      code: 'answer.bad_format',
      message: 'the answer is empty (question 2); nothing was sent to the server',
    });
    await expect(answering(true, ['Rex', undefined]).run()).rejects.toMatchObject({ code: 'input.ended' });
  });

  it('refuses answers the server could not take', () => {
    expect(checkAnswer('x'.repeat(501))).toMatch(/longer than 500/);
    expect(checkAnswer('x'.repeat(500))).toBeUndefined();
  });
});
