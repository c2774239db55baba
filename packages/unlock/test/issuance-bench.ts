/**
 * What both issuance end-to-end suites (GIDS and PIV) run, every part a real process: the server with an
 * issuing profile, a user and an issuer operator; a private pcscd with one software card at a time;
 * `cardwarden-unlock issue` in pcscd's mount namespace; a run killed right after its key write; and the
 * help desk's offline unblock through `cardwarden-unlock offline`. Each suite says only what its card type
 * changes (how the card starts, what its state file holds, what the vendor tool accepts).
 */
import { PrivatePcscd, type SoftwareCardProcess } from '@cardwarden/card-sim';
import { api as routes, type RequestBody } from '@cardwarden/contract';
import { ADMIN } from '@cardwarden/integration-tests/admin';
import type { ApiClient } from '@cardwarden/integration-tests/api-client';
import { buildForEndToEnd } from '@cardwarden/integration-tests/end-to-end-build';
import { startServerProcess, type ServerProcess } from '@cardwarden/integration-tests/server-process';
import { fromHex, toHex } from '@cardwarden/protocol/hex';
import { keyCheckValue } from '@cardwarden/protocol/crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import { NODELAY_SOURCE, UNLOCK_CLI, UnlockSession } from './e2e-support.js';

export const ISSUER_PASSWORD = 'issuer-password-long-enough-for-any-policy';
/** The factory admin (management) key of both card types: 0102…08 three times. */
export const FACTORY_KEY = '010203040506070801020304050607080102030405060708';

/** A card as the server lists it (GET cards?serial=). */
export interface ListedCard {
  readonly id: string;
  readonly type: string;
  readonly adminKey: { kcv: string };
  readonly user: { username: string };
}

export interface IssuanceSetup {
  /** The issuing profile, as created through the API. */
  readonly profile: RequestBody<typeof routes.profiles.create>;
  /** Whether the profile gets a master to derive card keys from. */
  readonly master?: boolean;
  /** The user cards are issued to (display name and email follow from it). */
  readonly username: string;
}

/** The 3DES key check value the server shows for a key. */
export const kcv = (keyHex: string) => toHex(keyCheckValue('3des', fromHex(keyHex)));

export class IssuanceBench {
  card: SoftwareCardProcess | undefined;
  /** The last `issue` run's own process (nsenter without -p execs the tool). */
  private lastChild: ChildProcess | undefined;

  private constructor(
    readonly dir: string,
    readonly server: ServerProcess,
    /** The server's administrator, signed in. */
    readonly admin: ApiClient,
    readonly pcscd: PrivatePcscd,
    /** A signed-in issuer's token, for runs that take CARDWARDEN_TOKEN. */
    readonly issuerToken: string,
  ) {}

  /** Builds, starts the server in a fresh directory named after `prefix`, sets it up, starts pcscd. */
  static async start(prefix: string, setup: IssuanceSetup): Promise<IssuanceBench> {
    buildForEndToEnd();
    const dir = mkdtempSync(join(tmpdir(), prefix));
    let server: ServerProcess | undefined;
    try {
      server = await startServerProcess({ dataDir: join(dir, 'server-data'), admin: ADMIN });
      const admin = await server.api.login(ADMIN.username, ADMIN.password);
      const issuerToken = await IssuanceBench.setUp(server.api, admin, setup);
      const pcscd = await PrivatePcscd.start({ workDir: dir, nodelaySource: NODELAY_SOURCE });
      return new IssuanceBench(dir, server, admin, pcscd, issuerToken);
    } catch (error) {
      await server?.stop();
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** The profile (and its master), the user and the issuer; returns the issuer's token. */
  private static async setUp(anonymous: ApiClient, admin: ApiClient, setup: IssuanceSetup): Promise<string> {
    const profile = await admin.callOk(routes.profiles.create, { body: setup.profile });
    if (setup.master) await admin.callOk(routes.masters.create, { params: { id: profile.id }, body: {} });
    const name = setup.username.charAt(0).toUpperCase() + setup.username.slice(1);
    await admin.callOk(routes.users.create, {
      body: {
        username: setup.username,
        displayName: `${name} Example`,
        email: `${setup.username}@example.test`,
      },
    });
    await admin.callOk(routes.operators.create, {
      body: { username: 'issuer1', password: ISSUER_PASSWORD, role: 'issuer' },
    });
    const login = { username: 'issuer1', password: ISSUER_PASSWORD };
    const session = await anonymous.callOk(routes.auth.login, { body: login });
    if (!('token' in session)) throw new Error('the issuer was asked for a second factor');
    return session.token;
  }

  /** Where the software card with `serial` keeps its state. */
  statePath(serial: string): string {
    return join(this.dir, `${serial}.json`);
  }

  /** Pulls the card in the reader, if any, and inserts the one `start` starts. */
  async insert(start: (pcscd: PrivatePcscd) => Promise<SoftwareCardProcess>): Promise<void> {
    await this.card?.stop();
    this.card = await start(this.pcscd);
  }

  /** The tool in pcscd's mount namespace only (for its socket), so that it reaches the server here. */
  startIssue(env: NodeJS.ProcessEnv, ...args: string[]): UnlockSession {
    const command = [process.execPath, UNLOCK_CLI, 'issue', '--server', this.server.url, ...args];
    this.lastChild = spawn('nsenter', ['-t', String(this.pcscd.pid), '-m', '--', ...command], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    return new UnlockSession(this.lastChild);
  }

  /** Runs `issue --json` with `args` as the issuer and kills it right after it wrote the new key. */
  async killAfterKeyWrite(...args: string[]): Promise<void> {
    const env = { CARDWARDEN_TOKEN: this.issuerToken, CARDWARDEN_TEST_STOP_AFTER: 'write-key' };
    const killed = this.startIssue(env, ...args, '--json');
    for (let waited = 0; !killed.stderr.includes('test stop after write-key'); waited += 100) {
      if (waited > 30_000) throw new Error(`the tool never reached the key write:\n${killed.stderr}`);
      await sleep(100);
    }
    this.lastChild!.kill('SIGKILL');
    await killed.exited;
  }

  /**
   * Runs `issue --json` again as the issuer on the card in the reader, which a killed run left with a
   * written key: it must finish that issuance (the card, then `issued` with the profile's PIN limit).
   */
  async finishIssue(type: 'gids' | 'piv', serial: string, pinTryLimit: number): Promise<void> {
    const again = this.startIssue({ CARDWARDEN_TOKEN: this.issuerToken }, '--json');
    again.pipe();
    expect(await again.nextJson()).toMatchObject({ card: { type, serial } });
    expect(await again.nextJson()).toMatchObject({ result: 'issued', serial, pinTryLimit });
    expect(await again.exited).toBe(0);
  }

  /** The card with `serial` as the server lists it. */
  async listed(serial: string): Promise<ListedCard> {
    const { items } = await this.admin.callOk(routes.cards.list, { query: { serial } });
    const [card] = items;
    if (!card) throw new Error(`the server lists no card ${serial}`);
    return card;
  }

  /** Blocks the PIN, and the help desk unblocks it: `offline` shows the challenge, the API answers it. */
  async helpDeskUnblock(cardId: string, newPin: string, ticket: string): Promise<void> {
    this.card!.signal('SIGUSR1');
    await sleep(200);
    const unlock = new UnlockSession(
      this.pcscd.spawn(process.execPath, [UNLOCK_CLI, 'offline', '--json'], {
        stdio: ['pipe', 'pipe', 'pipe'],
      }),
    );
    const { challenge } = await unlock.nextJson();
    const session = await this.admin.callOk(routes.offlineUnblocks.start, {
      params: { id: cardId },
      body: { ticket },
    });
    const answer = await this.admin.callOk(routes.offlineUnblocks.response, {
      params: { id: session.id },
      body: { challenge: challenge as string },
    });
    unlock.send(answer.response, newPin, newPin);
    expect(await unlock.nextJson()).toEqual({ result: 'unblocked' });
    expect(await unlock.exited).toBe(0);
  }

  async stop(): Promise<void> {
    await this.card?.stop();
    await this.pcscd.stop();
    await this.server.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
