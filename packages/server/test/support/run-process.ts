/** Runs the built server or CLI as a real process, as an administrator would, and collects what it prints. */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const SERVER_MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
export const SERVER_CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface RunningProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code once the process has ended. */
  readonly exited: Promise<number | null>;
  /** Waits until `predicate` holds (or the process ends, or the time is up). */
  until(predicate: () => boolean | Promise<boolean>, timeoutMs?: number): Promise<boolean>;
  stop(): Promise<number | null>;
}

/** Starts `command args` with `env` added to (or, with `undefined`, removed from) the test's environment. */
export function runProcess(
  command: string,
  args: string[],
  env: Record<string, string | undefined>,
  options: SpawnOptions = {},
): RunningProcess {
  const merged: NodeJS.ProcessEnv = { ...process.env };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) Reflect.deleteProperty(merged, name);
    else merged[name] = value;
  }
  const child = spawn(command, args, { ...options, env: merged, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  let ended = false;
  const exited = new Promise<number | null>((resolve) => {
    child.on('close', (code) => {
      ended = true;
      resolve(code);
    });
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async until(predicate, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (await predicate()) return true;
        if (ended) return false;
        await new Promise((r) => setTimeout(r, 100));
      }
      return false;
    },
    async stop() {
      if (!ended) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Node's own environment variables that would change what the server reads. */
export const CLEAN_SERVER_ENV: Record<string, undefined> = {
  DATABASE_URL: undefined,
  CARDWARDEN_ADMIN_PASSWORD: undefined,
  CARDWARDEN_ADMIN_USER: undefined,
  CARDWARDEN_KEK_FILE: undefined,
  CARDWARDEN_SMTP_URL: undefined,
  DATA_DIR: undefined,
  PORT: undefined,
  HOST: undefined,
};
