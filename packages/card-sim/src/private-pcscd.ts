/**
 * A private pcscd with the vpcd virtual reader, for tests, benchmarks and demos (reference §5.5): it runs
 * inside `unshare -m -n` with a tmpfs on /run/pcscd, so the system pcscd is untouched and vpcd's
 * all-interfaces listener is reachable only from inside the new network namespace. Commands that use the
 * reader run inside the same namespaces through `nsenter`. Needs root, util-linux, iproute2, pcscd and
 * vsmartcard-vpcd.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

/** Where Debian's vsmartcard-vpcd puts its pcscd driver. */
export const VPCD_DRIVER = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so';

export interface PrivatePcscdOptions {
  /** A directory for the reader configuration, the log and the preload library. */
  readonly workDir: string;
  /** Reader name; pcscd appends " 00 00" for slot 0. Default "Virtual PCD", as Debian configures it. */
  readonly readerName?: string;
  /** vpcd's port (slot 0). Default 35963 = 0x8C7B, as Debian configures it. */
  readonly port?: number;
  /**
   * The C source of the TCP_NODELAY preload library (reference §5.4), compiled into `workDir`; without it
   * every APDU waits ~40 ms on Debian 12's vpcd. Undefined: use none.
   */
  readonly nodelaySource?: string;
}

/** The `cardwarden-card` command, run with the node that runs this code. */
export const CARD_CLI = fileURLToPath(new URL('../bin/cardwarden-card.js', import.meta.url));

/** A `cardwarden-card` process in the private pcscd's reader. */
export interface SoftwareCardProcess {
  /** What the card printed so far. */
  output(): string;
  /** Sends a signal, e.g. SIGUSR1 to block the PIN. */
  signal(signal: NodeJS.Signals): void;
  /** Removes the card and waits for the process to end. */
  stop(): Promise<void>;
}

export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Builds the preload library from `source` into `dir`; returns its path, or undefined when gcc fails. */
export function buildNodelayLibrary(source: string, dir: string): string | undefined {
  const library = join(dir, 'libnodelay.so');
  const built = spawnSync('gcc', ['-O2', '-shared', '-fPIC', '-o', library, source, '-ldl'], {
    encoding: 'utf8',
  });
  return built.status === 0 ? library : undefined;
}

/** A software GIDS card to insert: its state file, admin key, PIN (default 12345678) and how it answers. */
export interface GidsCardOptions {
  readonly state: string;
  readonly adminKey: string;
  readonly pin?: string;
  readonly serial?: string;
  readonly adminTries: number;
  /** Start with the PIN blocked. */
  readonly blockPin?: boolean;
  /** Answer as a T=0 reader does (61xx, 6Cxx). */
  readonly t0?: boolean;
}

export class PrivatePcscd {
  private exited = false;

  private constructor(
    private readonly process: ChildProcess,
    /** pcscd's process id: the process whose namespaces `nsenter` joins. */
    readonly pid: number,
    /** The name PC/SC clients see for slot 0, e.g. "Virtual PCD 00 00". */
    readonly readerName: string,
    readonly port: number,
    readonly logFile: string,
    /** Whether the TCP_NODELAY preload library is in use. */
    readonly nodelay: boolean,
  ) {
    process.once('exit', () => {
      this.exited = true;
    });
  }

  /** Starts pcscd in new mount and network namespaces and waits until its socket exists. */
  static async start(options: PrivatePcscdOptions): Promise<PrivatePcscd> {
    const readerName = options.readerName ?? 'Virtual PCD';
    const port = options.port ?? 35963;
    const confDir = join(options.workDir, 'reader.conf.d');
    mkdirSync(confDir, { recursive: true });
    writeFileSync(
      join(confDir, 'vpcd'),
      `FRIENDLYNAME "${readerName}"\nDEVICENAME /dev/null:${port}\nLIBPATH ${VPCD_DRIVER}\nCHANNELID ${port}\n`,
    );
    const library =
      options.nodelaySource && existsSync(options.nodelaySource)
        ? buildNodelayLibrary(options.nodelaySource, options.workDir)
        : undefined;
    const logFile = join(options.workDir, 'pcscd.log');
    const log = openSync(logFile, 'a');
    // A new network namespace starts with lo down; vpcd and the card talk over 127.0.0.1.
    const script = [
      'set -e',
      'ip link set lo up',
      'mkdir -p /run/pcscd',
      'mount -t tmpfs -o mode=0755 tmpfs /run/pcscd',
      `exec env ${library ? `LD_PRELOAD=${library} ` : ''}pcscd --foreground -c "$1"`,
    ].join('\n');
    const child = spawn('unshare', ['-m', '-n', '--', 'bash', '-c', script, 'private-pcscd', confDir], {
      stdio: ['ignore', log, log],
    });
    const pid = child.pid;
    if (pid === undefined) throw new Error('could not start unshare: is util-linux installed?');
    const pcscd = new PrivatePcscd(child, pid, `${readerName} 00 00`, port, logFile, library !== undefined);
    const socket = `/proc/${pid}/root/run/pcscd/pcscd.comm`;
    for (let waited = 0; !existsSync(socket); waited += 50) {
      if (pcscd.exited || waited > 10_000) {
        await pcscd.stop();
        throw new Error(
          `private pcscd did not start (needs root, pcscd and vsmartcard-vpcd); see ${logFile}`,
        );
      }
      await sleep(50);
    }
    return pcscd;
  }

  /** Spawns `command` inside pcscd's namespaces. */
  spawn(command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
    return spawn('nsenter', ['-t', String(this.pid), '-m', '-n', '--', command, ...args], options);
  }

  /** Runs `command` inside pcscd's namespaces to the end, with `input` on its standard input. */
  run(
    command: string,
    args: readonly string[],
    options: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
  ): Promise<RunResult> {
    const child = this.spawn(command, args, { env: options.env ?? process.env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdin?.end(options.input ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (status) => {
        clearTimeout(timer);
        resolve({ status, stdout, stderr });
      });
    });
  }

  /** Starts a software GIDS card (see `cardwarden-card gids --help`) from named options. */
  startGidsCard(card: GidsCardOptions): Promise<SoftwareCardProcess> {
    return this.startCard([
      'gids',
      '--state',
      card.state,
      '--admin-key',
      card.adminKey,
      '--pin',
      card.pin ?? '12345678',
      ...(card.serial === undefined ? [] : ['--serial', card.serial]),
      '--admin-tries',
      String(card.adminTries),
      ...(card.blockPin ? ['--block-pin'] : []),
      ...(card.t0 ? ['--t0'] : []),
    ]);
  }

  /**
   * Starts `cardwarden-card` with `args` inside the namespaces and waits until pcscd has powered the card.
   * @throws Error with the card's output when it exits or is not ready within `timeoutMs`.
   */
  async startCard(args: readonly string[], timeoutMs = 15_000): Promise<SoftwareCardProcess> {
    const child = this.spawn(process.execPath, [CARD_CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const exited = new Promise<void>((resolve) =>
      child.once('exit', () => {
        resolve();
      }),
    );
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`software card not ready after ${timeoutMs} ms:\n${output}`));
      }, timeoutMs);
      const collect = (chunk: string): void => {
        output += chunk;
        if (output.includes('ready: pcscd powered the card')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.setEncoding('utf8').on('data', collect);
      child.stderr?.setEncoding('utf8').on('data', collect);
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`software card exited:\n${output}`));
      });
    });
    return {
      output: () => output,
      signal: (signal) => child.kill(signal),
      stop: async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
      },
    };
  }

  /** Stops pcscd; the namespaces and the tmpfs go with it. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
}
