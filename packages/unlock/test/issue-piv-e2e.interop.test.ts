/**
 * PIV issuance end to end, every part a real process: the server, a software PIV card (as a YubiKey
 * answers yubico-piv-tool) behind a private pcscd, and `cardwarden-unlock issue` signed in as an issuer,
 * under a profile that derives keys from its master. Afterwards yubico-piv-tool accepts the new management
 * key, the card's PIN and PUK limits are the profile's, and the help desk's response unblocks the card
 * through `cardwarden-unlock offline`; a run killed between the key write and its proof is finished by
 * the next, after which the help desk still unblocks the card.
 */
import { PrivatePcscd, type PivCardState, type SoftwareCardProcess } from '@cardwarden/card-sim';
import { fromHex, pivPukChallenge, pivPukFromResponse, toHex } from '@cardwarden/protocol';
import { computeAdminResponse, keyCheckValue } from '@cardwarden/protocol/crypto';
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
const FIRST_SERIAL = '40000011';
const SECOND_SERIAL = '40000012';
const ISSUER_PASSWORD = 'issuer-password-long-enough-for-any-policy';
const INITIAL_PIN = '135724';

describeWith(
  ['pcscd', 'yubico-piv-tool'],
  'cardwarden-unlock issue with a PIV card against the real server, through pcscd',
  () => {
    let dir: string;
    let pcscd: PrivatePcscd | undefined;
    let card: SoftwareCardProcess | undefined;
    let server: ServerProcess | undefined;
    let issuerToken: string;
    let lastChild: ChildProcess | undefined;
    const statePath = (serial: string) => join(dir, `${serial}.json`);
    const state = (serial: string) => JSON.parse(readFileSync(statePath(serial), 'utf8')) as PivCardState;
    const api = (method: string, path: string, body?: unknown) => server!.api.call(method, path, body);
    const kcv = (keyHex: string) => toHex(keyCheckValue('3des', fromHex(keyHex)));
    const pukFor = (keyHex: string, serial: string) =>
      pivPukFromResponse(computeAdminResponse('3des', fromHex(keyHex), pivPukChallenge('3des', serial)));

    /** The tool in pcscd's mount namespace only (for its socket), so that it reaches the server here. */
    function startIssue(env: NodeJS.ProcessEnv, ...args: string[]): UnlockSession {
      const command = [process.execPath, UNLOCK_CLI, 'issue', '--server', server!.api.baseUrl, ...args];
      lastChild = spawn('nsenter', ['-t', String(pcscd!.pid), '-m', '--', ...command], {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: { ...process.env, ...env },
      });
      return new UnlockSession(lastChild);
    }

    /** A factory-fresh card: YubiKey default management key, PIN and PUK (T=1: yubico-piv-tool needs it). */
    async function insertCard(serial: string): Promise<void> {
      await card?.stop();
      card = await pcscd!.startCard([
        'piv',
        '--state',
        statePath(serial),
        '--management-key',
        FACTORY_KEY,
        '--pin',
        '123456',
        '--puk',
        '12345678',
        '--serial',
        serial,
      ]);
    }

    /** Blocks the PIN, and the help desk unblocks it: `offline` shows the challenge, the API answers it. */
    async function helpDeskUnblock(cardId: string, newPin: string): Promise<void> {
      card!.signal('SIGUSR1');
      await sleep(200);
      const unlock = new UnlockSession(
        pcscd!.spawn(process.execPath, [UNLOCK_CLI, 'offline', '--json'], {
          stdio: ['pipe', 'pipe', 'pipe'],
        }),
      );
      const { challenge } = await unlock.nextJson();
      const session = await api('POST', pathTo(routes.offlineUnblocks.start, { id: cardId }), {
        ticket: 'PIV-E2E',
      });
      const answer = await api('POST', pathTo(routes.offlineUnblocks.response, { id: String(session.id) }), {
        challenge,
      });
      unlock.send(String(answer.response), newPin, newPin);
      expect(await unlock.nextJson()).toEqual({ result: 'unblocked' });
      expect(await unlock.exited).toBe(0);
    }

    beforeAll(async () => {
      buildForEndToEnd();
      dir = mkdtempSync(join(tmpdir(), 'cw-issue-piv-e2e-'));
      server = await ServerProcess.start(join(dir, 'server-data'));
      const profile = await api('POST', pathTo(routes.profiles.create), {
        name: 'e2e-piv',
        useCases: { operatorOfflineUnblock: true },
        adminKeySource: 'derived',
        maxPinAttempts: 5,
        adminKeyAttemptLimit: 4,
      });
      await api('POST', pathTo(routes.masters.create, { id: String(profile.id) }), {});
      await api('POST', pathTo(routes.users.create), {
        username: 'bob',
        displayName: 'Bob Example',
        email: 'bob@example.test',
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

    it('issues a new PIV card with a derived key; yubico-piv-tool takes the new key; the help desk unblocks it', async () => {
      await insertCard(FIRST_SERIAL);
      const issue = startIssue({}, '--user', 'bob', '--profile', 'e2e-piv', '--pin');
      issue.pipe('issuer1', ISSUER_PASSWORD, INITIAL_PIN, INITIAL_PIN);
      const status = await issue.exited;
      expect(issue.stderr).toBe('Username: Password: New PIN (6-8 characters): New PIN again: ');
      expect(status).toBe(0);
      expect(issue.stdout).toMatch(new RegExp(`Card ${FIRST_SERIAL} is issued to bob`));
      expect(issue.stdout).not.toContain(INITIAL_PIN);

      const after = state(FIRST_SERIAL);
      expect(after.managementKey).not.toBe(FACTORY_KEY);
      expect(after).toMatchObject({
        pin: INITIAL_PIN,
        pinTryLimit: 5,
        pinTriesLeft: 5,
        pukTryLimit: 4,
        puk: pukFor(after.managementKey, FIRST_SERIAL),
      });
      const [detail] = (await api('GET', `${pathTo(routes.cards.list)}?serial=${FIRST_SERIAL}`)).items as {
        id: string;
        type: string;
        adminKey: { kcv: string };
        user: { username: string };
      }[];
      expect(detail).toMatchObject({
        type: 'piv',
        adminKey: { kcv: kcv(after.managementKey) },
        user: { username: 'bob' },
      });
      for (const secret of [after.managementKey, after.puk, INITIAL_PIN]) {
        expect(server!.log).not.toContain(secret);
        expect(issue.stdout + issue.stderr).not.toContain(secret);
      }

      // yubico-piv-tool authenticates with the new management key (and sets it again, unchanged).
      const yubico = await pcscd!.run('yubico-piv-tool', [
        '-r',
        'Virtual PCD',
        `-k${after.managementKey}`,
        '-a',
        'set-mgm-key',
        '-n',
        after.managementKey,
      ]);
      expect(yubico.stdout + yubico.stderr).not.toMatch(/fail|error/i);
      expect(yubico.status).toBe(0);
      const wrongKey = await pcscd!.run('yubico-piv-tool', [
        '-r',
        'Virtual PCD',
        `-k${FACTORY_KEY}`,
        '-a',
        'set-mgm-key',
        '-n',
        FACTORY_KEY,
      ]);
      expect(wrongKey.status).not.toBe(0);
      const verify = await pcscd!.run('yubico-piv-tool', [
        '-r',
        'Virtual PCD',
        '-a',
        'verify-pin',
        '-P',
        INITIAL_PIN,
      ]);
      expect(verify.stdout + verify.stderr).toContain('Successfully verified PIN');
      expect(state(FIRST_SERIAL).managementKey).toBe(after.managementKey);

      await helpDeskUnblock(detail!.id, '246802');
      expect(state(FIRST_SERIAL)).toMatchObject({ pin: '246802', pinTriesLeft: 5, pinTryLimit: 5 });
    });

    it('finishes a PIV run killed between the key write and its proof; the help desk then unblocks the card', async () => {
      await insertCard(SECOND_SERIAL);
      const killed = startIssue(
        { CARDWARDEN_TOKEN: issuerToken, CARDWARDEN_TEST_STOP_AFTER: 'write-key' },
        '--user',
        'bob',
        '--profile',
        'e2e-piv',
        '--json',
      );
      for (let waited = 0; !killed.stderr.includes('test stop after write-key'); waited += 100) {
        if (waited > 30_000) throw new Error(`the tool never reached the key write:\n${killed.stderr}`);
        await sleep(100);
      }
      lastChild!.kill('SIGKILL');
      await killed.exited;
      const written = state(SECOND_SERIAL).managementKey;
      expect(written).not.toBe(FACTORY_KEY);
      const [before] = (await api('GET', `${pathTo(routes.cards.list)}?serial=${SECOND_SERIAL}`)).items as {
        id: string;
        adminKey: { kcv: string };
      }[];
      expect(before!.adminKey.kcv).toBe(kcv(FACTORY_KEY));

      await insertCard(SECOND_SERIAL);
      const again = startIssue({ CARDWARDEN_TOKEN: issuerToken }, '--json');
      again.pipe();
      expect(await again.nextJson()).toMatchObject({ card: { type: 'piv', serial: SECOND_SERIAL } });
      expect(await again.nextJson()).toMatchObject({
        result: 'issued',
        serial: SECOND_SERIAL,
        pinTryLimit: 5,
      });
      expect(await again.exited).toBe(0);
      expect(state(SECOND_SERIAL)).toMatchObject({
        managementKey: written,
        pinTryLimit: 5,
        pukTryLimit: 4,
        puk: pukFor(written, SECOND_SERIAL),
      });
      const [after] = (await api('GET', `${pathTo(routes.cards.list)}?serial=${SECOND_SERIAL}`)).items as {
        adminKey: { kcv: string };
      }[];
      expect(after!.adminKey.kcv).toBe(kcv(written));

      await helpDeskUnblock(before!.id, '97531864');
      expect(state(SECOND_SERIAL)).toMatchObject({ pin: '97531864', pinTriesLeft: 5 });
    });
  },
);
