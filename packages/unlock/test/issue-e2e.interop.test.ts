/**
 * Issuance end to end, every part a real process: the server, a software GIDS card that answers T=0
 * style (61xx, 6Cxx) behind a private pcscd, and `cardwarden-unlock issue` signed in as an issuer.
 * Afterwards gids-tool accepts the new key, and a run killed between the key write and its proof is
 * finished by the next run, after which the help desk's response unblocks the card.
 */
import { PrivatePcscd, type GidsCardState, type SoftwareCardProcess } from '@cardwarden/card-sim';
import { fromHex, toHex } from '@cardwarden/protocol';
import { keyCheckValue } from '@cardwarden/protocol/crypto';
import { describeWith } from '@cardwarden/test-support';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildForEndToEnd, NODELAY_SOURCE, ServerProcess, UNLOCK_CLI, UnlockSession } from './e2e-support.js';
import { api as routes, pathTo } from '@cardwarden/contract';

const FACTORY_KEY = '010203040506070801020304050607080102030405060708';
const FIRST_SERIAL = 'A11CE000000000000000000000000001';
const SECOND_SERIAL = 'A11CE000000000000000000000000002';
const ISSUER_PASSWORD = 'issuer-password-long-enough-for-any-policy';
const INITIAL_PIN = '13572468';

describeWith(
  ['pcscd', 'opensc'],
  'cardwarden-unlock issue against the real server, through pcscd (T=0 answers)',
  () => {
    let dir: string;
    let pcscd: PrivatePcscd | undefined;
    let card: SoftwareCardProcess | undefined;
    let server: ServerProcess | undefined;
    let issuerToken: string;
    let lastChild: ChildProcess | undefined;
    const statePath = (serial: string) => join(dir, `${serial}.json`);
    const state = (serial: string) => JSON.parse(readFileSync(statePath(serial), 'utf8')) as GidsCardState;
    const api = (method: string, path: string, body?: unknown) => server!.api.call(method, path, body);
    const kcv = (keyHex: string) => toHex(keyCheckValue('3des', fromHex(keyHex)));

    /** The tool in pcscd's mount namespace only (for its socket), so that it reaches the server here. */
    function startIssue(env: NodeJS.ProcessEnv, ...args: string[]): UnlockSession {
      const command = [process.execPath, UNLOCK_CLI, 'issue', '--server', server!.api.baseUrl, ...args];
      lastChild = spawn('nsenter', ['-t', String(pcscd!.pid), '-m', '--', ...command], {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: { ...process.env, ...env },
      });
      return new UnlockSession(lastChild);
    }

    async function insertCard(serial: string): Promise<void> {
      await card?.stop();
      card = await pcscd!.startGidsCard({
        state: statePath(serial),
        adminKey: FACTORY_KEY,
        serial: serial,
        adminTries: 5,
        t0: true,
      });
    }

    beforeAll(async () => {
      buildForEndToEnd();
      dir = mkdtempSync(join(tmpdir(), 'cw-issue-e2e-'));
      server = await ServerProcess.start(join(dir, 'server-data'));
      await api('POST', pathTo(routes.profiles.create), {
        name: 'e2e-issued',
        useCases: { operatorOfflineUnblock: true },
        maxPinAttempts: 5,
      });
      await api('POST', pathTo(routes.users.create), {
        username: 'alice',
        displayName: 'Alice Example',
        email: 'alice@example.test',
      });
      await api('POST', pathTo(routes.operators.create), {
        username: 'issuer1',
        password: ISSUER_PASSWORD,
        role: 'issuer',
      });
      issuerToken = (
        await server.api.call(
          'POST',
          pathTo(routes.auth.login),
          { username: 'issuer1', password: ISSUER_PASSWORD },
          '',
        )
      ).token as string;
      pcscd = await PrivatePcscd.start({ workDir: dir, nodelaySource: NODELAY_SOURCE });
    }, 300_000);

    afterAll(async () => {
      await card?.stop();
      await pcscd?.stop();
      server?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('issues a new card, signed in interactively: new key, the profile PIN limit, the initial PIN; gids-tool takes the new key', async () => {
      await insertCard(FIRST_SERIAL);
      const issue = startIssue({}, '--user', 'alice', '--profile', 'e2e-issued', '--pin');
      issue.pipe('issuer1', ISSUER_PASSWORD, INITIAL_PIN, INITIAL_PIN);
      const status = await issue.exited;
      // Prompts only: what was typed is never echoed from a pipe or shown masked on a terminal.
      expect(issue.stderr).toBe('Username: Password: New PIN (4-16 characters): New PIN again: ');
      expect(status).toBe(0);
      expect(issue.stdout).toMatch(new RegExp(`Card ${FIRST_SERIAL} is issued to alice`));
      expect(issue.stdout).not.toContain(INITIAL_PIN);
      expect(issue.stdout).not.toContain(ISSUER_PASSWORD);

      const after = state(FIRST_SERIAL);
      expect(after.adminKey).not.toBe(FACTORY_KEY);
      expect(after).toMatchObject({ pin: INITIAL_PIN, pinTryLimit: 5, pinTriesLeft: 5 });
      const registered = await api('GET', `${pathTo(routes.cards.list)}?serial=${FIRST_SERIAL}`);
      const [detail] = registered.items as { adminKey: { kcv: string }; user: { username: string } }[];
      expect(detail).toMatchObject({ adminKey: { kcv: kcv(after.adminKey) }, user: { username: 'alice' } });
      expect(server!.log).not.toContain(after.adminKey);
      expect(server!.log).not.toContain(INITIAL_PIN);

      // OpenSC's gids-tool authenticates with the new key (mutual authentication) and resets the PIN.
      const gidsTool = await pcscd!.run(
        'gids-tool',
        ['-r', '0', '--unblock', '--admin-key', after.adminKey, '--pin', '24682468', '-v'],
        { env: { ...process.env, OPENSC_CONF: '/dev/null' } },
      );
      expect(gidsTool.status).toBe(0);
      expect(state(FIRST_SERIAL)).toMatchObject({ pin: '24682468', pinTriesLeft: 5, pinTryLimit: 5 });
    });

    it('finishes a run killed between the key write and its proof; the help desk then unblocks the blocked card', async () => {
      await insertCard(SECOND_SERIAL);
      const killed = startIssue(
        { CARDWARDEN_TOKEN: issuerToken, CARDWARDEN_TEST_STOP_AFTER: 'write-key' },
        '--user',
        'alice',
        '--profile',
        'e2e-issued',
        '--json',
      );
      for (let waited = 0; !killed.stderr.includes('test stop after write-key'); waited += 100) {
        if (waited > 30_000) throw new Error(`the tool never reached the key write:\n${killed.stderr}`);
        await sleep(100);
      }
      // nsenter without -p execs the tool: this is the tool's own process.
      lastChild!.kill('SIGKILL');
      await killed.exited;
      const written = state(SECOND_SERIAL).adminKey;
      expect(written).not.toBe(FACTORY_KEY);
      const [before] = (await api('GET', `${pathTo(routes.cards.list)}?serial=${SECOND_SERIAL}`)).items as {
        id: string;
        adminKey: { kcv: string };
      }[];
      // The server still calls the factory key active, and holds the written one as pending.
      expect(before!.adminKey.kcv).toBe(kcv(FACTORY_KEY));

      // Pull the card and put it back (the killed tool's session is gone), then run issue again.
      await insertCard(SECOND_SERIAL);
      const again = startIssue({ CARDWARDEN_TOKEN: issuerToken }, '--json');
      again.pipe();
      const first = await again.nextJson();
      expect(first).toMatchObject({ card: { type: 'gids', serial: SECOND_SERIAL } });
      expect(await again.nextJson()).toMatchObject({
        result: 'issued',
        serial: SECOND_SERIAL,
        pinTryLimit: 5,
      });
      expect(await again.exited).toBe(0);
      expect(state(SECOND_SERIAL).adminKey).toBe(written);
      const [after] = (await api('GET', `${pathTo(routes.cards.list)}?serial=${SECOND_SERIAL}`)).items as {
        adminKey: { kcv: string };
      }[];
      expect(after!.adminKey.kcv).toBe(kcv(written));

      // The help desk unblocks the blocked card with the server's response.
      card!.signal('SIGUSR1');
      await sleep(200);
      const unlock = new UnlockSession(
        pcscd!.spawn(process.execPath, [UNLOCK_CLI, 'offline', '--json'], {
          stdio: ['pipe', 'pipe', 'pipe'],
        }),
      );
      const { challenge } = await unlock.nextJson();
      const session = await api('POST', pathTo(routes.offlineUnblocks.start, { id: before!.id }), {
        ticket: 'ISSUE-E2E',
      });
      const answer = await api('POST', pathTo(routes.offlineUnblocks.response, { id: String(session.id) }), {
        challenge,
      });
      unlock.send(String(answer.response), '97531864', '97531864');
      expect(await unlock.nextJson()).toEqual({ result: 'unblocked' });
      expect(await unlock.exited).toBe(0);
      expect(state(SECOND_SERIAL)).toMatchObject({ pin: '97531864', pinTriesLeft: 5, pinTryLimit: 5 });
    });
  },
);
