/**
 * Asking for a password on a terminal without echoing it: raw mode, one `*` per character, Backspace
 * takes one back, Enter ends, Ctrl-C or Ctrl-D gives up. The terminal is given back in every case.
 */

/** A terminal's input stream (`process.stdin` when it is a TTY). */
export interface TerminalInput extends NodeJS.ReadableStream {
  readonly isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

export function isTerminal(input: TerminalInput): boolean {
  return input.isTTY === true && typeof input.setRawMode === 'function';
}

/** Reads one visible line (the username). */
export function promptLine(
  input: TerminalInput,
  output: NodeJS.WritableStream,
  question: string,
): Promise<string> {
  output.write(question);
  return readKeys(input, output, false);
}

/** Reads one line shown as `*`; resolves undefined when the person gave up (Ctrl-C, Ctrl-D). */
export function promptMasked(
  input: TerminalInput,
  output: NodeJS.WritableStream,
  question: string,
): Promise<string> {
  output.write(question);
  return readKeys(input, output, true);
}

function readKeys(input: TerminalInput, output: NodeJS.WritableStream, masked: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const chars: string[] = [];
    input.setRawMode?.(true);
    input.setEncoding('utf8');
    const finish = (error?: Error): void => {
      input.removeListener('data', onData);
      input.setRawMode?.(false);
      input.pause();
      output.write('\n');
      const line = chars.join('');
      chars.fill('');
      if (error) reject(error);
      else resolve(line);
    };
    const onData = (chunk: string | Buffer): void => {
      for (const char of String(chunk)) {
        if (char === '\r' || char === '\n') {
          finish();
          return;
        }
        if (char === '\u0003' || char === '\u0004') {
          finish(new Error('sign-in cancelled'));
          return;
        }
        if (char === '\u007f' || char === '\b') {
          if (chars.pop() !== undefined) output.write('\b \b');
        } else if (char >= ' ') {
          chars.push(char);
          output.write(masked ? '*' : char);
        }
      }
    };
    input.on('data', onData);
    input.resume();
  });
}
