/**
 * Wine for the provider tests: one private WINEPREFIX per test file (wineboot once), every Wine run bounded by
 * a timeout, and the LogonUI-like harness driven line by line.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { WINE_PARTS } from './build-parts.js';

export const WINE64 = '/usr/lib/wine/wine64';
const WINESERVER = '/usr/lib/wine/wineserver';

export class WinePrefix {
  private constructor(readonly dir: string) {}

  /** A fresh prefix (wineboot --init: a few seconds, no X server needed). */
  static create(): WinePrefix {
    const prefix = new WinePrefix(mkdtempSync(join(tmpdir(), 'cw-wine-')));
    prefix.run(['wineboot', '--init'], 180_000);
    return prefix;
  }

  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      ...process.env,
      WINEPREFIX: this.dir,
      WINEDEBUG: '-all',
      // The harness loads the test winscard.dll beside it (native first); Wine's stub stays for other programs.
      WINEDLLOVERRIDES: 'mscoree,mshtml=;winscard=n,b',
      DISPLAY: '',
      ...extra,
    };
  }

  /** Runs a Wine program to its end; throws on timeout. */
  run(
    args: string[],
    timeout = 60_000,
    cwd = WINE_PARTS,
  ): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync(WINE64, args, { env: this.env(), cwd, encoding: 'utf8', timeout });
    if (result.error) throw new Error(`wine64 ${args.join(' ')}: ${result.error.message}`);
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  /** Sets a REG_SZ value in the 64-bit registry view. */
  setPolicy(name: string, value: string): void {
    const key = 'HKLM\\SOFTWARE\\Policies\\Cardwarden\\CredentialProvider';
    const result = this.run(['reg', 'add', key, '/v', name, '/t', 'REG_SZ', '/d', value, '/f', '/reg:64']);
    if (result.status !== 0) throw new Error(`reg add failed: ${result.stdout}${result.stderr}`);
  }

  query(key: string): string {
    const result = this.run(['reg', 'query', key, '/reg:64']);
    return result.status === 0 ? result.stdout : '';
  }

  destroy(): void {
    spawnSync(WINESERVER, ['-k'], { env: this.env(), timeout: 20_000 });
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface FieldView {
  readonly id: number;
  readonly type: number;
  readonly label: string;
  readonly state: number;
  readonly text: string;
  readonly consistent: boolean;
}

export interface SubmitView {
  readonly hr: string;
  readonly cpgsr: number;
  readonly icon: number;
  readonly status: string;
  readonly serializationBytes: number;
  readonly fields: FieldView[];
}

/** CPFT_* and CPGSR_* / CPSI_* values, as documented. */
export const CPFT = {
  LARGE_TEXT: 1,
  SMALL_TEXT: 2,
  EDIT_TEXT: 4,
  PASSWORD_TEXT: 5,
  SUBMIT_BUTTON: 9,
} as const;
export const CPGSR = { NO_CREDENTIAL_NOT_FINISHED: 0, NO_CREDENTIAL_FINISHED: 1 } as const;
export const CPSI = { NONE: 0, ERROR: 1, WARNING: 2, SUCCESS: 3 } as const;
export const CPUS = { LOGON: 1, UNLOCK_WORKSTATION: 2, CHANGE_PASSWORD: 3, CREDUI: 4, PLAP: 5 } as const;

/** Every harness started and not yet ended, so a failed test cannot leave one holding the test reader's port. */
const running = new Set<Harness>();

/** Ends every harness still running (afterEach). */
export async function quitAllHarnesses(): Promise<void> {
  await Promise.all([...running].map((harness) => harness.quit()));
}

/** harness.exe under Wine: one command per line, one JSON answer per line. */
export class Harness {
  private readonly lines: string[] = [];
  private readonly waiters: (() => void)[] = [];
  private errors = '';
  readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      this.lines.push(line);
      this.waiters.shift()?.();
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.errors += chunk));
    this.exited = new Promise((done) => child.once('close', done));
  }

  /** `--clsid` (CoCreateInstance from the registry) or `--dll cardwarden-cp.dll` (DllGetClassObject). */
  static async start(prefix: WinePrefix, args: string[], env: Record<string, string> = {}): Promise<Harness> {
    const child = spawn(WINE64, ['harness.exe', ...args], {
      cwd: WINE_PARTS,
      env: prefix.env(env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const harness = new Harness(child);
    running.add(harness);
    const created = await harness.next();
    if (created.created !== '0x00000000') throw new Error(`provider not created: ${JSON.stringify(created)}`);
    return harness;
  }

  get stderr(): string {
    return this.errors;
  }

  private async next(timeoutMs = 45_000): Promise<Record<string, unknown>> {
    if (this.lines.length === 0) {
      await Promise.race([new Promise<void>((done) => this.waiters.push(done)), sleep(timeoutMs)]);
    }
    const line = this.lines.shift();
    if (line === undefined)
      throw new Error(`harness said nothing within ${timeoutMs} ms; stderr:\n${this.errors}`);
    return JSON.parse(line) as Record<string, unknown>;
  }

  async command(line: string): Promise<Record<string, unknown>> {
    this.child.stdin!.write(`${line}\n`);
    return this.next();
  }

  async scenario(cpus: number): Promise<{ hr: string; credential: boolean }> {
    return (await this.command(`scenario ${cpus}`)) as { hr: string; credential: boolean };
  }

  async fields(): Promise<FieldView[]> {
    return (await this.command('describe')).fields as FieldView[];
  }

  async set(id: number, text: string): Promise<void> {
    const answer = await this.command(`set ${id} ${text}`);
    if (answer.hr !== '0x00000000')
      throw new Error(`SetStringValue(${id}) failed: ${JSON.stringify(answer)}`);
  }

  async submit(): Promise<SubmitView> {
    return (await this.command('submit')) as unknown as SubmitView;
  }

  async quit(): Promise<number | null> {
    running.delete(this);
    if (this.child.exitCode === null && this.child.stdin?.writable) this.child.stdin.end('quit\n');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
    const status = await this.exited;
    clearTimeout(timer);
    return status;
  }
}

/** The fields the cardholder sees on the selected tile. */
export function visible(fields: readonly FieldView[]): FieldView[] {
  return fields.filter((f) => f.state === 1 || f.state === 3);
}
