/**
 * PIV issuance end to end, every part a real process: the server, a software PIV card (as a YubiKey
 * answers yubico-piv-tool) behind a private pcscd, and `cardwarden-unlock issue` signed in as an issuer,
 * under a profile that derives keys from its master. Afterwards yubico-piv-tool accepts the new management
 * key, the card's PIN and PUK limits are the profile's, and the help desk's response unblocks the card
 * through `cardwarden-unlock offline`; a run killed between the key write and its proof is finished by
 * the next, after which the help desk still unblocks the card.
 */
import type { PivCardState } from '@cardwarden/card-sim';
import { fromHex } from '@cardwarden/protocol/hex';
import { pivPukChallenge, pivPukFromResponse } from '@cardwarden/protocol/piv';
import { computeAdminResponse } from '@cardwarden/protocol/crypto';
import { describeWith } from '@cardwarden/integration-tests/system-parts';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FACTORY_KEY, ISSUER_PASSWORD, IssuanceBench, kcv } from './issuance-bench.js';

const FIRST_SERIAL = '40000011';
const SECOND_SERIAL = '40000012';
const INITIAL_PIN = '135724';

describeWith(
  ['pcscd', 'yubico-piv-tool'],
  'cardwarden-unlock issue with a PIV card against the real server, through pcscd',
  () => {
    let bench: IssuanceBench | undefined;
    const state = (serial: string) =>
      JSON.parse(readFileSync(bench!.statePath(serial), 'utf8')) as PivCardState;
    const pukFor = (keyHex: string, serial: string) =>
      pivPukFromResponse(computeAdminResponse('3des', fromHex(keyHex), pivPukChallenge('3des', serial)));

    /** A factory-fresh card: YubiKey default management key, PIN and PUK (T=1: yubico-piv-tool needs it). */
    const insertCard = (serial: string) =>
      bench!.insert((pcscd) =>
        pcscd.startCard([
          'piv',
          '--state',
          bench!.statePath(serial),
          '--management-key',
          FACTORY_KEY,
          '--pin',
          '123456',
          '--puk',
          '12345678',
          '--serial',
          serial,
        ]),
      );

    beforeAll(async () => {
      bench = await IssuanceBench.start('cw-issue-piv-e2e-', {
        profile: {
          name: 'e2e-piv',
          useCases: { operatorOfflineUnblock: true },
          adminKeySource: 'derived',
          maxPinAttempts: 5,
          adminKeyAttemptLimit: 4,
        },
        master: true,
        username: 'bob',
      });
    }, 300_000);

    afterAll(async () => {
      await bench?.stop();
    });

    it('issues a new PIV card with a derived key; yubico-piv-tool takes the new key; the help desk unblocks it', async () => {
      await insertCard(FIRST_SERIAL);
      const issue = bench!.startIssue({}, '--user', 'bob', '--profile', 'e2e-piv', '--pin');
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
      const detail = await bench!.listed(FIRST_SERIAL);
      expect(detail).toMatchObject({
        type: 'piv',
        adminKey: { kcv: kcv(after.managementKey) },
        user: { username: 'bob' },
      });
      for (const secret of [after.managementKey, after.puk, INITIAL_PIN]) {
        expect(bench!.server.output()).not.toContain(secret);
        expect(issue.stdout + issue.stderr).not.toContain(secret);
      }

      // yubico-piv-tool authenticates with the new management key (and sets it again, unchanged).
      const yubico = await bench!.pcscd.run('yubico-piv-tool', [
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
      const wrongKey = await bench!.pcscd.run('yubico-piv-tool', [
        '-r',
        'Virtual PCD',
        `-k${FACTORY_KEY}`,
        '-a',
        'set-mgm-key',
        '-n',
        FACTORY_KEY,
      ]);
      expect(wrongKey.status).not.toBe(0);
      const verify = await bench!.pcscd.run('yubico-piv-tool', [
        '-r',
        'Virtual PCD',
        '-a',
        'verify-pin',
        '-P',
        INITIAL_PIN,
      ]);
      expect(verify.stdout + verify.stderr).toContain('Successfully verified PIN');
      expect(state(FIRST_SERIAL).managementKey).toBe(after.managementKey);

      await bench!.helpDeskUnblock(detail.id, '246802', 'PIV-E2E');
      expect(state(FIRST_SERIAL)).toMatchObject({ pin: '246802', pinTriesLeft: 5, pinTryLimit: 5 });
    });

    it('finishes a PIV run killed between the key write and its proof; the help desk then unblocks the card', async () => {
      await insertCard(SECOND_SERIAL);
      await bench!.killAfterKeyWrite('--user', 'bob', '--profile', 'e2e-piv');
      const written = state(SECOND_SERIAL).managementKey;
      expect(written).not.toBe(FACTORY_KEY);
      const before = await bench!.listed(SECOND_SERIAL);
      expect(before.adminKey.kcv).toBe(kcv(FACTORY_KEY));

      await insertCard(SECOND_SERIAL);
      await bench!.finishIssue('piv', SECOND_SERIAL, 5);
      expect(state(SECOND_SERIAL)).toMatchObject({
        managementKey: written,
        pinTryLimit: 5,
        pukTryLimit: 4,
        puk: pukFor(written, SECOND_SERIAL),
      });
      expect((await bench!.listed(SECOND_SERIAL)).adminKey.kcv).toBe(kcv(written));

      await bench!.helpDeskUnblock(before.id, '97531864', 'PIV-E2E');
      expect(state(SECOND_SERIAL)).toMatchObject({ pin: '97531864', pinTriesLeft: 5 });
    });
  },
);
