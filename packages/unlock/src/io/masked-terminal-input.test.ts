import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { UnlockFailure } from '../unlock-failure.js';
import { createMaskedTerminalInput, isRawModeInput, type RawModeInput } from './masked-terminal-input.js';

/**
 * A stand-in for a terminal's input stream that records what happened to the terminal, in order, beside
 * what the tool wrote (the real terminal is tested through a pseudo-terminal in test/terminal-e2e).
 */
function fakeTerminal() {
  const events: string[] = [];
  const stream = Object.assign(new PassThrough(), {
    isTTY: true as const,
    setRawMode(mode: boolean) {
      events.push(mode ? 'raw on' : 'raw off');
      return stream;
    },
  });
  const output = {
    write(chunk: string) {
      events.push(`wrote ${JSON.stringify(chunk)}`);
      return true;
    },
  } as unknown as NodeJS.WritableStream;
  return { input: stream as RawModeInput & PassThrough, output, events };
}

describe('createMaskedTerminalInput', () => {
  it('recognises a terminal by isTTY and setRawMode', () => {
    expect(isRawModeInput(fakeTerminal().input)).toBe(true);
    expect(isRawModeInput(new PassThrough())).toBe(false);
  });

  it('turns echo off before the prompt shows, shows stars, and gives the terminal back on close', async () => {
    const { input, output, events } = fakeTerminal();
    const lines = createMaskedTerminalInput(input, output);
    const answer = lines.next('PIN: ');
    expect(events.slice(0, 2)).toEqual(['raw on', 'wrote "PIN: "']);
    input.write('1234\r');
    expect(await answer).toBe('1234');
    expect(events.join(' ')).not.toContain('1234');
    expect(events.filter((e) => e === 'wrote "*"')).toHaveLength(4);
    lines.close();
    expect(events.at(-1)).toBe('raw off');
  });

  it('keeps a line typed ahead, between prompts, unechoed for the next prompt', async () => {
    const { input, output, events } = fakeTerminal();
    const lines = createMaskedTerminalInput(input, output);
    input.write('first\r');
    expect(await lines.next('A: ')).toBe('first');
    input.write('typed ahead\r');
    await new Promise((r) => setImmediate(r));
    expect(await lines.next('B: ')).toBe('typed ahead');
    expect(events.join(' ')).not.toMatch(/typed|ahead/);
    // The terminal stayed raw between the prompts: nothing could echo the typed-ahead line.
    expect(events.filter((e) => e.startsWith('raw'))).toEqual(['raw on']);
    lines.close();
  });

  it('on Ctrl-C at a prompt, gives the terminal back and fails with input.interrupted', async () => {
    const { input, output, events } = fakeTerminal();
    const lines = createMaskedTerminalInput(input, output);
    const answer = lines.next('Response: ');
    input.write('12\x03');
    const failure = await answer.catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UnlockFailure);
    expect((failure as UnlockFailure).code).toBe('input.interrupted');
    expect((failure as UnlockFailure).exitCode).toBe(130);
    expect(events).toContain('raw off');
    expect(await lines.next('PIN: ')).toBeUndefined();
  });

  it('on Ctrl-C while no prompt waits, gives the terminal back and ends the process', async () => {
    const { input, output, events } = fakeTerminal();
    let ended = false;
    const lines = createMaskedTerminalInput(input, output, () => {
      ended = events.includes('raw off');
    });
    input.write('ok\r');
    expect(await lines.next('A: ')).toBe('ok');
    input.write('\x03');
    await new Promise((r) => setImmediate(r));
    expect(ended).toBe(true);
    lines.close();
  });
});
