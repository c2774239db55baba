/**
 * What the end-to-end tests share: the build, the real server as a child process, its REST API, and
 * cardwarden-unlock driven line by line like a script would.
 */
import { PrivatePcscd, type SoftwareCardProcess } from '@cardwarden/card-sim';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { api as routes, pathTo } from '@cardwarden/contract';

export const REPO_ROOT = resolve(import.meta.dirname, '../../..');
export const UNLOCK_CLI = join(REPO_ROOT, 'packages/unlock/bin/cardwarden-unlock.js');
export const NODELAY_SOURCE = resolve(REPO_ROOT, '../shared/tools/vpcd-nodelay/nodelay-preload.c');
const SERVER_MAIN = join(REPO_ROOT, 'packages/server/dist/main.js');
const ADMIN_PASSWORD = 'e2e-admin-password-long-enough-for-any-policy';

/** Builds what the child processes run (the tool, the software card, the server). */
export function buildForEndToEnd(): void {
  const built = spawnSync(
    'flock',
    [
      '/tmp/cardwarden-test-build.lock',
      'npx',
      'tsc',
      '-b',
      'packages/card-sim/tsconfig.build.json',
      'packages/unlock/tsconfig.build.json',
      'packages/server/tsconfig.build.json',
    ],
    { cwd: REPO_ROOT, encoding: 'utf8' },
  );
  if (built.status !== 0) throw new Error(`build failed:\n${built.stdout}${built.stderr}`);
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        resolvePort(typeof address === 'object' && address ? address.port : 0);
      });
    });
  });
}

/** The server's REST API, as an admin (after `login`) or with another bearer token. */
export class Api {
  token = '';

  constructor(readonly baseUrl: string) {}

  async login(): Promise<void> {
    this.token = (
      await this.call('POST', pathTo(routes.auth.login), { username: 'admin', password: ADMIN_PASSWORD })
    ).token as string;
  }

  async call(
    method: string,
    path: string,
    body?: unknown,
    token = this.token,
  ): Promise<Record<string, unknown>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : {}) as Record<string, unknown>;
  }
}

/** The real server with its own PGlite database in `dataDir`, and a bootstrap admin. */
export class ServerProcess {
  private output = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly api: Api,
  ) {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (this.output += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.output += chunk));
  }

  static async start(dataDir: string): Promise<ServerProcess> {
    const port = await freePort();
    const child = spawn(process.execPath, [SERVER_MAIN], {
      env: {
        ...process.env,
        PORT: String(port),
        DATA_DIR: dataDir,
        CARDWARDEN_ADMIN_USER: 'admin',
        CARDWARDEN_ADMIN_PASSWORD: ADMIN_PASSWORD,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const server = new ServerProcess(child, new Api(`http://127.0.0.1:${port}`));
    for (let waited = 0; ; waited += 200) {
      const healthy = await fetch(`${server.api.baseUrl}/healthz`)
        .then((r) => r.ok)
        .catch(() => false);
      if (healthy) break;
      if (waited > 60_000 || child.exitCode !== null)
        throw new Error(`server did not become healthy:\n${server.output}`);
      await sleep(200);
    }
    await server.api.login();
    return server;
  }

  get log(): string {
    return this.output;
  }

  stop(): void {
    this.child.kill('SIGTERM');
  }
}

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
  parts.server?.stop();
  if (parts.dir) rmSync(parts.dir, { recursive: true, force: true });
}
