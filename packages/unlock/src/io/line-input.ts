/**
 * Lines from standard input, one at a time, for prompts and for `--json` scripts alike. On a terminal
 * nothing typed is echoed (answers, responses, PUKs and PINs are all secrets): see masked-terminal-input.
 * From a pipe, lines are read as they come.
 */
import { createInterface } from 'node:readline';
import { createMaskedTerminalInput, isRawModeInput } from './masked-terminal-input.js';

export interface LineInput {
  /** The next line, or undefined when the input has ended. */
  next(prompt?: string): Promise<string | undefined>;
  close(): void;
}

export function createLineInput(
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stderr,
): LineInput {
  if (isRawModeInput(input)) return createMaskedTerminalInput(input, output);
  return createPipedLineInput(input, output);
}

/** Lines from a pipe or a file: nothing is echoed, since no terminal shows what is typed. */
function createPipedLineInput(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): LineInput {
  const rl = createInterface({ input, terminal: false });
  const lines: string[] = [];
  const waiting: ((line: string | undefined) => void)[] = [];
  let ended = false;
  rl.on('line', (line) => {
    const waiter = waiting.shift();
    if (waiter) waiter(line);
    else lines.push(line);
  });
  rl.on('close', () => {
    ended = true;
    for (const waiter of waiting.splice(0)) waiter(undefined);
  });
  return {
    next(prompt) {
      if (prompt !== undefined) output.write(prompt);
      const queued = lines.shift();
      if (queued !== undefined) return Promise.resolve(queued);
      if (ended) return Promise.resolve(undefined);
      return new Promise((resolve) => waiting.push(resolve));
    },
    close() {
      rl.close();
    },
  };
}
