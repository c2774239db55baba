/**
 * The real server entry point (`cardwarden-server serve`, from source through tsx) in a child process:
 * for what only a separate process shows (its umask, its resident memory, its own log).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ApiClient } from '@cardwarden/integration-tests/api-client';
import { freePort } from '@cardwarden/integration-tests/free-port';
import { ADMIN } from '@cardwarden/integration-tests/test-server';

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));

export interface ServerProcess {
  readonly url: string;
  readonly api: ApiClient;
  readonly child: ChildProcess;
  /** Everything the process wrote (log lines on stdout, messages on stderr). */
  output(): string;
  /** Stops the server with SIGTERM and waits for it to exit. */
  stop(): Promise<number | null>;
}

/** Runs `cardwarden-server <args>` to completion: exit status and output. */
export function runCli(
  args: string[],
  env: Record<string, string>,
  umask = '022',
): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, env, umask);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      resolve({ status, output });
    });
  });
}

function spawnCli(args: string[], env: Record<string, string>, umask: string): ChildProcess {
  // A shell sets the umask the server inherits, as an init system or a terminal would.
  const command = [process.execPath, '--conditions=cardwarden-source', '--import', 'tsx', CLI, ...args]
    .map((part) => `'${part}'`)
    .join(' ');
  return spawn('/bin/sh', ['-c', `umask ${umask} && exec ${command}`], {
    env: { ...process.env, CARDWARDEN_ADMIN_PASSWORD: ADMIN.password, LOG_LEVEL: 'info', ...env },
  });
}

/** Starts the server with `env` (DATA_DIR, DATABASE_URL, …) under `umask`, and waits until it answers. */
export async function startServerProcess(env: Record<string, string>, umask = '022'): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawnCli(['serve'], { HOST: '127.0.0.1', PORT: String(port), ...env }, umask);
  let output = '';
  const state = { exited: false };
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      state.exited = true;
      resolve(code);
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (state.exited) throw new Error(`the server exited at start:\n${output}`);
    if (i > 600) {
      child.kill('SIGKILL');
      throw new Error(`the server did not answer within a minute:\n${output}`);
    }
    const up = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    api: new ApiClient(url),
    child,
    output: () => output,
    async stop() {
      if (!state.exited) child.kill('SIGTERM');
      return exit;
    },
  };
}
