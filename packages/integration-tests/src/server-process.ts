/**
 * The real server as a child process, for what only a separate process shows: the build an administrator
 * runs, its umask, its resident memory, its own log, a browser or a tool talking to it over a real port.
 * One place knows how to start it on a free port, wait for /healthz (or its early exit), capture what it
 * writes, and stop it for sure.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiClient } from './api-client.js';
import { freePort } from './free-port.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The built server (`tsc -b`): what the end-to-end suites of the tools and the portals run. */
export const BUILT_SERVER_MAIN = join(REPO_ROOT, 'packages/server/dist/main.js');
const SERVER_CLI_SOURCE = join(REPO_ROOT, 'packages/server/src/cli.ts');

/** Node's arguments that run `cardwarden-server <args>` from its sources through tsx: no build needed. */
export function serverCliFromSource(...args: string[]): string[] {
  return ['--conditions=cardwarden-source', '--import', 'tsx', SERVER_CLI_SOURCE, ...args];
}

export interface ServerProcessOptions {
  /** Node's arguments that run the server: the build (`BUILT_SERVER_MAIN`) unless given. */
  readonly command?: readonly string[];
  /** A port chosen ahead (when a redirect URL must name it); a free one otherwise. */
  readonly port?: number;
  /** The data directory; a fresh temporary one, removed by `stop`, unless given. */
  readonly dataDir?: string;
  /** The built portals to serve (CARDWARDEN_WEB_ROOT). */
  readonly webRoot?: string;
  /** The administrator the first start creates. */
  readonly admin?: { readonly username: string; readonly password: string };
  /** The process's umask (set by a shell, as an init system or a terminal would); the test's own unless given. */
  readonly umask?: string;
  /** More settings (DATABASE_URL, SSO, LOG_LEVEL…), over the ones above. */
  readonly env?: Readonly<Record<string, string>>;
  /** How long to wait for /healthz (60 s unless given). */
  readonly readyTimeoutMs?: number;
  /** How long `stop` waits after SIGTERM before SIGKILL (10 s unless given). */
  readonly stopTimeoutMs?: number;
}

export interface ServerProcess {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly dataDir: string;
  /** A client without a token (`api.login(…)` signs in). */
  readonly api: ApiClient;
  readonly child: ChildProcess;
  /** Everything the process wrote (log lines on stdout, messages on stderr). */
  output(): string;
  /**
   * SIGTERM, a wait of `stopTimeoutMs`, then SIGKILL if it is still running; removes a data directory it
   * made. Resolves with the exit code (null when a signal ended it).
   */
  stop(): Promise<number | null>;
}

/** Spawns `node <command>` with `env` over the test's environment, under `umask` when given. */
function spawnNode(command: readonly string[], env: Record<string, string>, umask?: string): ChildProcess {
  const options: SpawnOptions = {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  };
  if (umask === undefined) return spawn(process.execPath, command, options);
  const quoted = [process.execPath, ...command].map((part) => `'${part}'`).join(' ');
  // exec: the shell gives way to node, so that signals reach the server itself.
  return spawn('/bin/sh', ['-c', `umask ${umask} && exec ${quoted}`], options);
}

/** Collects what `child` writes on both streams, in order. */
function captureOutput(child: ChildProcess): () => string {
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return () => output;
}

/**
 * Starts the server and waits until /healthz answers; fails with its output if it exits first or does not
 * answer in time (and then kills it).
 *
 * @example
 * const server = await startServerProcess({ admin: ADMIN, env: { LOG_LEVEL: 'warn' } });
 * const admin = await server.api.login(ADMIN.username, ADMIN.password);
 * await server.stop();
 */
export async function startServerProcess(options: ServerProcessOptions = {}): Promise<ServerProcess> {
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'cardwarden-server-process-'));
  const port = options.port ?? (await freePort());
  const child = spawnNode(
    options.command ?? [BUILT_SERVER_MAIN],
    {
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      // The embedded database and the KEK file in the data directory, whatever the test's environment says.
      DATABASE_URL: '',
      CARDWARDEN_KEK_FILE: '',
      ...(options.webRoot === undefined ? {} : { CARDWARDEN_WEB_ROOT: options.webRoot }),
      ...adminSettings(options.admin),
      ...options.env,
    },
    options.umask,
  );
  const output = captureOutput(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const running = () => child.exitCode === null && child.signalCode === null;
  const stop = async (): Promise<number | null> => {
    if (running()) {
      child.kill('SIGTERM');
      const timeout = new Promise((resolve) => setTimeout(resolve, options.stopTimeoutMs ?? 10_000).unref());
      await Promise.race([exited, timeout]);
      // Still running after the wait: it will not stop by itself.
      if (running()) child.kill('SIGKILL');
    }
    const code = await exited;
    if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
    return code;
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (!running()) {
      await stop();
      throw new Error(`the server exited at start (${child.exitCode ?? child.signalCode}):\n${output()}`);
    }
    const healthy = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the server did not answer /healthz in time:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, dataDir, api: new ApiClient(url), child, output, stop };
}

/**
 * Runs `cardwarden-server <args>` from its sources to completion, under `umask` (022 unless given), with
 * `env` over the test's environment: its exit status and everything it wrote.
 */
export function runServerCli(
  args: string[],
  options: Pick<ServerProcessOptions, 'admin' | 'env' | 'umask'> = {},
): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...adminSettings(options.admin), ...options.env };
    const child = spawnNode(serverCliFromSource(...args), env, options.umask ?? '022');
    const output = captureOutput(child);
    child.on('error', reject);
    child.on('close', (status) => {
      resolve({ status, output: output() });
    });
  });
}

function adminSettings(admin: ServerProcessOptions['admin']): Record<string, string> {
  return admin ? { CARDWARDEN_ADMIN_USER: admin.username, CARDWARDEN_ADMIN_PASSWORD: admin.password } : {};
}
