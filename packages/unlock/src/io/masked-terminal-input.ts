/**
 * Lines typed on a terminal, never echoed: the terminal is put in raw mode (so it shows nothing by itself)
 * from the first prompt until the tool ends, and a `*` is shown per character. Raw mode stays on between
 * prompts too, so a PIN typed ahead while the card works is not shown either. Ctrl-C restores the
 * terminal and ends the run with EXIT.INTERRUPTED.
 */
import { UnlockFailure } from '../unlock-failure.js';
import type { LineInput } from './line-input.js';
import { MaskedLineEditor } from './masked-line-editor.js';

/** A terminal's input stream (`process.stdin` when it is a TTY). */
export interface RawModeInput extends NodeJS.ReadableStream {
  readonly isTTY: true;
  setRawMode(mode: boolean): unknown;
}

export function isRawModeInput(input: NodeJS.ReadableStream): input is RawModeInput {
  const candidate = input as Partial<RawModeInput>;
  return candidate.isTTY === true && typeof candidate.setRawMode === 'function';
}

export function interrupted(): UnlockFailure {
  return new UnlockFailure('input.interrupted', 'interrupted (Ctrl-C); the PIN was not changed');
}

interface Waiter {
  resolve(line: string | undefined): void;
  reject(error: Error): void;
}

export function createMaskedTerminalInput(
  input: RawModeInput,
  output: NodeJS.WritableStream,
  /** What Ctrl-C does while no prompt waits (the card or the server is busy): end the process. */
  interruptOutsidePrompt: () => void = () => process.kill(process.pid, 'SIGINT'),
): LineInput {
  const editor = new MaskedLineEditor();
  const lines: string[] = [];
  let waiter: Waiter | undefined;
  let raw = false;
  let ended = false;

  const restore = () => {
    if (!raw) return;
    raw = false;
    input.setRawMode(false);
  };
  const settle = (line: string | undefined) => {
    const current = waiter;
    waiter = undefined;
    output.write('\n');
    current?.resolve(line);
  };
  const onData = (chunk: string) => {
    for (const event of editor.feed(chunk)) {
      if (event.kind === 'echo') {
        if (waiter) output.write(event.text);
      } else if (event.kind === 'line') {
        if (waiter) settle(event.line);
        else lines.push(event.line);
      } else if (event.kind === 'end') {
        ended = true;
        if (waiter) settle(undefined);
      } else {
        ended = true;
        stop();
        output.write('\n');
        const current = waiter;
        waiter = undefined;
        if (current) current.reject(interrupted());
        else interruptOutsidePrompt();
        return;
      }
    }
  };
  const start = () => {
    if (raw) return;
    raw = true;
    input.setRawMode(true);
    // Whatever ends the process (an uncaught error, a signal handler's exit) gives the terminal back.
    process.once('exit', restore);
    input.setEncoding('utf8');
    input.on('data', onData);
    input.resume();
  };
  const stop = () => {
    restore();
    process.removeListener('exit', restore);
    input.removeListener('data', onData);
    input.pause();
  };

  return {
    next(prompt) {
      // Raw mode before the prompt shows: whatever is typed once the prompt is visible is never echoed.
      if (!ended) start();
      if (prompt !== undefined) output.write(prompt);
      const queued = lines.shift();
      if (queued !== undefined) {
        output.write('\n');
        return Promise.resolve(queued);
      }
      if (ended) return Promise.resolve(undefined);
      return new Promise((resolve, reject) => {
        waiter = { resolve, reject };
      });
    },
    close() {
      stop();
      ended = true;
      const current = waiter;
      waiter = undefined;
      current?.resolve(undefined);
    },
  };
}
