/**
 * What the end-to-end tests of cardwarden-unlock share: the tool driven line by line like a script would (or
 * key by key on a terminal), a private pcscd with a blocked software card, and stopping it all. The build,
 * the server process and its API client come from @cardwarden/integration-tests.
 */
import { PrivatePcscd, type SoftwareCardProcess } from '@cardwarden/card-sim';
import { REPO_ROOT, type ServerProcess } from '@cardwarden/integration-tests/server-process';
import { type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

export const UNLOCK_CLI = join(REPO_ROOT, 'packages/unlock/bin/cardwarden-unlock.js');
export const NODELAY_SOURCE = resolve(REPO_ROOT, '../shared/tools/vpcd-nodelay/nodelay-preload.c');

/** cardwarden-unlock as a child process, driven line by line like a script would. */
export class UnlockSession {
  private readonly lines: string[] = [];
  private readonly waiters: (() => void)[] = [];
  private errors = '';
  readonly exited: Promise<number | null>;

  constructor(private readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      this.lines.push(line);
      this.waiters.shift()?.();
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.errors += chunk));
    this.exited = new Promise((done) => child.once('close', done));
  }

  /** What the tool said to people (standard error in JSON mode). */
  get stderr(): string {
    return this.errors;
  }

  /** Standard output so far, for runs without --json. */
  get stdout(): string {
    return this.lines.map((line) => `${line}\n`).join('');
  }

  /** Sends `lines` and ends the input, as a pipe would. */
  pipe(...lines: string[]): void {
    this.send(...lines);
    this.child.stdin!.end();
  }

  async nextJson(): Promise<Record<string, unknown>> {
    if (this.lines.length === 0) {
      await Promise.race([new Promise<void>((done) => this.waiters.push(done)), sleep(20_000)]);
    }
    const line = this.lines.shift();
    if (line === undefined) throw new Error(`cardwarden-unlock printed nothing; it said:\n${this.errors}`);
    return JSON.parse(line) as Record<string, unknown>;
  }

  send(...lines: string[]): void {
    for (const line of lines) this.child.stdin!.write(`${line}\n`);
  }
}

/**
 * Runs a command on a pseudo-terminal with python3's `pty` module (no native npm module): what is written
 * to `PtySession.type` reaches the command as keystrokes, and the screen is everything the terminal shows,
 * including what the terminal itself would echo.
 */
const PTY_RELAY = [
  'import os, pty, sys',
  'sys.exit(os.waitstatus_to_exitcode(pty.spawn(sys.argv[1:])))',
].join('\n');

/** A command on a pseudo-terminal, driven key by key as a person would. */
export class PtySession {
  private output = '';
  private readonly waiters = new Set<() => void>();
  readonly exited: Promise<number | null>;

  constructor(private readonly child: ChildProcess) {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.output += chunk;
      for (const waiter of this.waiters) waiter();
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.output += chunk));
    this.exited = new Promise((done) => child.once('close', done));
  }

  /** The argv that runs `command` on a pseudo-terminal (for `PrivatePcscd.spawn` and the like). */
  static argv(command: readonly string[]): [string, string[]] {
    return ['python3', ['-c', PTY_RELAY, ...command]];
  }

  /** Everything the terminal showed so far. */
  get screen(): string {
    return this.output;
  }

  /** Waits until the screen matches `pattern` (after `from` characters), or fails with the screen. */
  async waitFor(pattern: RegExp, from = 0, timeoutMs = 20_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(this.output.slice(from));
      if (match) return match;
      if (Date.now() > deadline || this.child.exitCode !== null) {
        throw new Error(`the screen never showed ${String(pattern)}; it shows:\n${this.output}`);
      }
      await new Promise<void>((done) => {
        const wake = () => {
          this.waiters.delete(wake);
          done();
        };
        this.waiters.add(wake);
        setTimeout(wake, 200);
      });
    }
  }

  /** Sends keystrokes, as typed on the keyboard (`\r` is Enter, `\x03` is Ctrl-C). */
  type(keys: string): void {
    this.child.stdin!.write(keys);
  }
}

/** Where `startWithBlockedGidsCard` keeps the card's state, in the suite's directory. */
export const gidsStatePath = (dir: string) => join(dir, 'gids.json');

/**
 * A private pcscd in `dir` with a software GIDS card whose PIN is blocked: the card the offline, online
 * and terminal suites unblock.
 */
export async function startWithBlockedGidsCard(
  dir: string,
  card: { adminKey: string; serial: string; adminTries: number },
): Promise<{ pcscd: PrivatePcscd; card: SoftwareCardProcess }> {
  const pcscd = await PrivatePcscd.start({ workDir: dir, nodelaySource: NODELAY_SOURCE });
  return {
    pcscd,
    card: await pcscd.startGidsCard({ state: gidsStatePath(dir), ...card, blockPin: true }),
  };
}

/** Stops what an end-to-end suite started, last first; any part may be missing after a failed start. */
export async function stopEndToEnd(parts: {
  card?: SoftwareCardProcess;
  pcscd?: PrivatePcscd;
  proxy?: { close(): Promise<void> };
  server?: ServerProcess;
  dir?: string;
}): Promise<void> {
  await parts.card?.stop();
  await parts.pcscd?.stop();
  await parts.proxy?.close();
  await parts.server?.stop();
  if (parts.dir) rmSync(parts.dir, { recursive: true, force: true });
}
