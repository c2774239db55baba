/**
 * End to end, every part a real process: the server computes the response through its REST API for the
 * card's admin key, the software GIDS card runs behind a private pcscd, and cardwarden-unlock talks to it
 * over PC/SC.
 */
import { PrivatePcscd, type GidsCardState, type SoftwareCardProcess } from '@cardwarden/card-sim';
import { describeWith } from '@cardwarden/test-support';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';

const REPO_ROOT = resolve(import.meta.dirname, '../../..');
const UNLOCK_CLI = join(REPO_ROOT, 'packages/unlock/bin/cardwarden-unlock.js');
const SERVER_MAIN = join(REPO_ROOT, 'packages/server/dist/main.js');
const NODELAY_SOURCE = resolve(REPO_ROOT, '../shared/tools/vpcd-nodelay/nodelay-preload.c');
const ADMIN_KEY = '0A1B2C3D4E5F60718293A4B5C6D7E8F90112233445566778';
const SERIAL = 'C0FFEE00112233445566778899AABBCC';
const ADMIN_PASSWORD = 'e2e-admin-password-long-enough-for-any-policy';

function freePort(): Promise<number> {
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

/** cardwarden-unlock in the pcscd's namespaces, driven line by line like a script would. */
class UnlockSession {
  private readonly lines: string[] = [];
  private readonly waiters: (() => void)[] = [];
  readonly exited: Promise<number | null>;

  constructor(private readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      this.lines.push(line);
      this.waiters.shift()?.();
    });
    this.exited = new Promise((done) => child.once('close', done));
  }

  async nextJson(): Promise<Record<string, unknown>> {
    if (this.lines.length === 0) {
      await Promise.race([new Promise<void>((done) => this.waiters.push(done)), sleep(20_000)]);
    }
    const line = this.lines.shift();
    if (line === undefined) throw new Error('cardwarden-unlock printed nothing');
    return JSON.parse(line) as Record<string, unknown>;
  }

  send(...lines: string[]): void {
    for (const line of lines) this.child.stdin!.write(`${line}\n`);
  }
}

describeWith(['pcscd'], 'cardwarden-unlock offline with a response from the server, through pcscd', () => {
  let dir: string;
  let pcscd: PrivatePcscd | undefined;
  let card: SoftwareCardProcess | undefined;
  let server: ChildProcess | undefined;
  let serverLog = '';
  let baseUrl: string;
  let token: string;
  let cardId: string;
  const statePath = () => join(dir, 'gids.json');
  const state = () => JSON.parse(readFileSync(statePath(), 'utf8')) as GidsCardState;

  async function api(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : {}) as Record<string, unknown>;
  }

  function startUnlock(): UnlockSession {
    return new UnlockSession(
      pcscd!.spawn(process.execPath, [UNLOCK_CLI, 'offline', '--json'], { stdio: ['pipe', 'pipe', 'pipe'] }),
    );
  }

  beforeAll(async () => {
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

    dir = mkdtempSync(join(tmpdir(), 'cw-e2e-'));
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, [SERVER_MAIN], {
      env: {
        ...process.env,
        PORT: String(port),
        DATA_DIR: join(dir, 'server-data'),
        CARDWARDEN_ADMIN_USER: 'admin',
        CARDWARDEN_ADMIN_PASSWORD: ADMIN_PASSWORD,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const started = server;
    started.stdout!.setEncoding('utf8').on('data', (chunk: string) => (serverLog += chunk));
    started.stderr!.setEncoding('utf8').on('data', (chunk: string) => (serverLog += chunk));
    for (let waited = 0; ; waited += 200) {
      const healthy = await fetch(`${baseUrl}/healthz`)
        .then((r) => r.ok)
        .catch(() => false);
      if (healthy) break;
      if (waited > 60_000 || started.exitCode !== null)
        throw new Error(`server did not become healthy:\n${serverLog}`);
      await sleep(200);
    }

    token = '';
    token = (await api('POST', '/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD }))
      .token as string;
    await api('POST', '/api/v1/profiles', {
      name: 'e2e-gids',
      useCases: { operatorOfflineUnblock: true },
      adminKeyAttemptLimit: 3,
    });
    await api('POST', '/api/v1/users', {
      username: 'alice',
      displayName: 'Alice Example',
      email: 'alice@example.test',
    });
    const registered = await api('POST', '/api/v1/cards', {
      serial: SERIAL,
      username: 'alice',
      profile: 'e2e-gids',
      type: 'gids',
      adminKey: { algorithm: '3des', key: ADMIN_KEY },
    });
    cardId = registered.id as string;

    pcscd = await PrivatePcscd.start({ workDir: dir, nodelaySource: NODELAY_SOURCE });
    card = await pcscd.startCard([
      'gids',
      '--state',
      statePath(),
      '--admin-key',
      ADMIN_KEY,
      '--pin',
      '12345678',
      '--serial',
      SERIAL,
      '--admin-tries',
      '3',
      '--block-pin',
    ]);
  });

  afterAll(async () => {
    await card?.stop();
    await pcscd?.stop();
    server?.kill('SIGTERM');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('unblocks the card with the response the server computed for its admin key', async () => {
    expect(state().pinTriesLeft).toBe(0);
    const unlock = startUnlock();
    const { challenge } = await unlock.nextJson();
    expect(challenge).toMatch(/^[0-9A-F]{16}$/);

    const session = await api('POST', `/api/v1/cards/${cardId}/offline-unblocks`, { ticket: 'E2E-1' });
    const answer = await api('POST', `/api/v1/offline-unblocks/${String(session.id)}/response`, {
      challenge,
    });
    expect(answer.response).toMatch(/^[0-9A-F]{16}$/);
    // Read back the way a help desk dictates it: in groups of four.
    unlock.send((answer.responseGroups as string[]).join(' '), '24681357', '24681357');

    expect(await unlock.nextJson()).toEqual({ result: 'unblocked' });
    expect(await unlock.exited).toBe(0);
    await api('POST', `/api/v1/offline-unblocks/${String(session.id)}/outcome`, { result: 'unblocked' });
    expect(state()).toMatchObject({ pin: '24681357', pinTriesLeft: 3, adminTriesLeft: 3 });
  });

  it('refuses a wrong response, counting down to blocked, and then refuses even the right one', async () => {
    card!.signal('SIGUSR1');
    await sleep(100);
    expect(state().pinTriesLeft).toBe(0);
    const expectations = [
      { status: 4, body: { result: 'failed', code: 'response.wrong', attemptsLeft: 2 } },
      { status: 4, body: { result: 'failed', code: 'response.wrong', attemptsLeft: 1 } },
      { status: 5, body: { result: 'failed', code: 'admin_key.blocked', attemptsLeft: 0 } },
    ];
    for (const expected of expectations) {
      const unlock = startUnlock();
      const { challenge } = await unlock.nextJson();
      // The server's answer to another challenge: well-formed, but wrong for this one.
      const other = (challenge as string).replace(/^./, (c) => (c === '0' ? '1' : '0'));
      const session = await api('POST', `/api/v1/cards/${cardId}/offline-unblocks`, {
        ticket: 'E2E-wrong',
      }).catch(() => undefined);
      const response = session
        ? ((
            await api('POST', `/api/v1/offline-unblocks/${String(session.id)}/response`, {
              challenge: other,
            }).catch(() => undefined)
          )?.response as string | undefined)
        : undefined;
      unlock.send(response ?? 'FFFFFFFFFFFFFFFF', '24681357', '24681357');
      expect(await unlock.nextJson()).toMatchObject({ ...expected.body, message: expect.any(String) });
      expect(await unlock.exited).toBe(expected.status);
    }
    const blocked = startUnlock();
    expect(await blocked.nextJson()).toMatchObject({ result: 'failed', code: 'admin_key.blocked' });
    expect(await blocked.exited).toBe(5);
    expect(state()).toMatchObject({ pinTriesLeft: 0, adminTriesLeft: 0 });
  });
});
