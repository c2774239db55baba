/**
 * The first start, as an administrator meets it: `node packages/server/dist/main.js` as a real process.
 * A busy port must stop it before it creates anything, so that the next start is a first start again.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { chmodSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '@cardwarden/integration-tests/api-client';
import { freePort } from '@cardwarden/integration-tests/free-port';
import { CLEAN_SERVER_ENV, runProcess, SERVER_MAIN, type RunningProcess } from './support/run-process.js';
import { createTestDatabase, type TestDatabase } from '@cardwarden/integration-tests/test-database';
import { forEachDatabase } from '@cardwarden/integration-tests/test-server';

function holdPort(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const blocker = createServer();
    blocker.once('error', reject);
    blocker.listen(port, '127.0.0.1', () => {
      resolve(blocker);
    });
  });
}

/**
 * One line, no stack trace, no `[object Object]` (after the lines of a first start saying that it
 * creates the embedded database).
 */
function expectOneReadableLine(stderr: string): string {
  const text = stderr.replace(/^cardwarden: creat(ing|ed) the embedded database .*\n/gm, '');
  const lines = text.trim().split('\n');
  expect(lines, text).toHaveLength(1);
  expect(text).not.toMatch(/^\s+at /m);
  expect(text).not.toContain('[object Object]');
  return lines[0] ?? '';
}

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) })).status === 200;
  } catch {
    return false;
  }
}

forEachDatabase('first start', (kind) => {
  const root = mkdtempSync(join(tmpdir(), 'cardwarden-first-start-'));
  const running: RunningProcess[] = [];
  let database: TestDatabase | undefined;

  beforeAll(async () => {
    if (kind === 'postgres') database = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    for (const process of running) await process.stop();
    await database?.drop();
    rmSync(root, { recursive: true, force: true });
  });

  function start(dataDir: string, port: number, env: Record<string, string | undefined>): RunningProcess {
    const server = runProcess(process.execPath, [SERVER_MAIN], {
      ...CLEAN_SERVER_ENV,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATABASE_URL: database?.url,
      ...env,
    });
    running.push(server);
    return server;
  }

  async function tableCount(): Promise<number> {
    if (!database?.url) return 0;
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const result = await client.query<{ n: number }>(
      "select count(*)::int as n from information_schema.tables where table_schema = 'public'",
    );
    await client.end();
    return result.rows[0]?.n ?? 0;
  }

  it('on a busy port: one line naming the port and PORT, a failure status, and nothing created', async () => {
    const dataDir = join(root, 'busy');
    const port = await freePort();
    const blocker = await holdPort(port);
    let server: RunningProcess;
    try {
      server = start(dataDir, port, { CARDWARDEN_ADMIN_PASSWORD: 'the first admin password' });
      expect(await server.exited).not.toBe(0);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
    const line = expectOneReadableLine(server.stderr());
    expect(line).toContain(`port ${port}`);
    expect(line).toContain('PORT');
    expect(existsSync(dataDir)).toBe(false);
    expect(await tableCount()).toBe(0);

    // The port is free now: this start is a first start, and the configured password signs in.
    const next = start(dataDir, port, { CARDWARDEN_ADMIN_PASSWORD: 'the first admin password' });
    const url = `http://127.0.0.1:${port}`;
    expect(await next.until(() => healthy(url)), next.stderr()).toBe(true);
    expect(next.stderr()).toContain(
      'Created the first admin "admin" with the password from CARDWARDEN_ADMIN_PASSWORD',
    );
    await new ApiClient(url).login('admin', 'the first admin password');
    expect(await next.stop()).toBe(0);
  }, 120_000);

  it('after a busy port, a start without CARDWARDEN_ADMIN_PASSWORD prints the generated password', async () => {
    if (database) {
      await database.drop();
      database = await createTestDatabase('postgres');
    }
    const dataDir = join(root, 'generated');
    const port = await freePort();
    const blocker = await holdPort(port);
    try {
      expect(await start(dataDir, port, {}).exited).not.toBe(0);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
    expect(existsSync(dataDir)).toBe(false);
    const next = start(dataDir, port, {});
    const url = `http://127.0.0.1:${port}`;
    expect(await next.until(() => healthy(url)), next.stderr()).toBe(true);
    const password = /with the password:\s+(\S+)/.exec(next.stderr())?.[1] ?? '';
    expect(password).toMatch(/^[A-Za-z0-9\-_.~+=]{16,}$/);
    await new ApiClient(url).login('admin', password);
    await next.stop();
    if (kind === 'pglite') expect(readdirSync(dataDir)).toContain('kek.key');
  }, 120_000);
});

describe('start-up failures are one readable line', () => {
  const root = mkdtempSync(join(tmpdir(), 'cardwarden-start-failures-'));
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });
  const isRoot = process.getuid?.() === 0;

  async function failedStart(
    env: Record<string, string | undefined>,
    command: { file: string; args: string[]; uid?: number; gid?: number } = {
      file: process.execPath,
      args: [SERVER_MAIN],
    },
  ): Promise<string> {
    const server = runProcess(
      command.file,
      command.args,
      { ...CLEAN_SERVER_ENV, HOST: '127.0.0.1', PORT: '0', ...env },
      { ...(command.uid === undefined ? {} : { uid: command.uid, gid: command.gid }) },
    );
    expect(await server.exited).not.toBe(0);
    return expectOneReadableLine(server.stderr());
  }

  it('names an unreachable PostgreSQL of DATABASE_URL, without its password', async () => {
    const port = await freePort();
    const line = await failedStart({
      DATA_DIR: join(root, 'unreachable'),
      DATABASE_URL: `postgres://cardwarden:s3cret-pass@127.0.0.1:${port}/cardwarden`,
    });
    expect(line).toContain(`DATABASE_URL (127.0.0.1:${port}/cardwarden)`);
    expect(line).toContain('ECONNREFUSED');
    expect(line).not.toContain('s3cret-pass');
  });

  it('refuses a DATABASE_URL that is not a PostgreSQL URL', async () => {
    const line = await failedStart({ DATA_DIR: join(root, 'bad-url'), DATABASE_URL: 'mysql://localhost/x' });
    expect(line).toContain('DATABASE_URL must be a postgres://');
  });

  it('names a KEK file the server may not read', async () => {
    const dataDir = join(root, 'kek');
    chmodSync(root, 0o755);
    mkdirSync(dataDir, { recursive: true });
    chmodSync(dataDir, 0o777);
    const kekFile = join(dataDir, 'kek.key');
    writeFileSync(kekFile, `${'00'.repeat(32)}\n`, { mode: 0o600 });
    chmodSync(kekFile, isRoot ? 0o600 : 0o000);
    // root reads any file: run the server as nobody instead.
    const line = await failedStart(
      { DATA_DIR: join(dataDir, 'data'), CARDWARDEN_KEK_FILE: kekFile },
      isRoot
        ? { file: process.execPath, args: [SERVER_MAIN], uid: 65534, gid: 65534 }
        : { file: process.execPath, args: [SERVER_MAIN] },
    );
    expect(line).toContain(kekFile);
    expect(line).toContain('EACCES');
  });

  // A full disk needs a small file system of its own: a tmpfs in a private mount namespace (root only).
  it.skipIf(!isRoot)('says the disk is full', async () => {
    const mountPoint = join(root, 'full');
    mkdirSync(mountPoint, { recursive: true });
    const line = await failedStart(
      { DATA_DIR: join(mountPoint, 'data') },
      {
        file: 'unshare',
        args: [
          '-m',
          'sh',
          '-c',
          `mount -t tmpfs -o size=1m tmpfs "${mountPoint}" && exec "${process.execPath}" "${SERVER_MAIN}"`,
        ],
      },
    );
    expect(line).toContain('the disk is full');
    expect(line).toContain('ENOSPC');
  });
});
