/**
 * Lines from standard input, one at a time, for prompts and for `--json` scripts alike. On a terminal,
 * secret answers (PINs, PUKs) are not echoed.
 */
import { createInterface, type Interface } from 'node:readline';
import { Writable } from 'node:stream';

export interface LineInput {
  /** The next line, or undefined when the input has ended. */
  next(prompt?: string, options?: { secret?: boolean }): Promise<string | undefined>;
  close(): void;
}

/** Writes to `target` unless muted: readline echoes typed characters through its output. */
class MutableOutput extends Writable {
  muted = false;

  constructor(private readonly target: NodeJS.WritableStream) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (!this.muted) this.target.write(chunk);
    callback();
  }
}

export function createLineInput(
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stderr,
): LineInput {
  const terminal = Boolean((input as { isTTY?: boolean }).isTTY);
  const echo = new MutableOutput(output);
  const rl: Interface = createInterface({ input, output: echo, terminal });
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
    next(prompt, options) {
      if (prompt !== undefined) output.write(prompt);
      const queued = lines.shift();
      if (queued !== undefined) return Promise.resolve(queued);
      if (ended) return Promise.resolve(undefined);
      echo.muted = Boolean(options?.secret) && terminal;
      return new Promise((resolve) => {
        waiting.push((line) => {
          if (echo.muted) output.write('\n');
          echo.muted = false;
          resolve(line);
        });
      });
    },
    close() {
      rl.close();
    },
  };
}
