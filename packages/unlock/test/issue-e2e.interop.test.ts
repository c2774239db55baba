/**
 * Issuance end to end, every part a real process: the server, a software GIDS card that answers T=0
 * style (61xx, 6Cxx) behind a private pcscd, and `cardwarden-unlock issue` signed in as an issuer.
 * Afterwards gids-tool accepts the new key, and a run killed between the key write and its proof is
 * finished by the next run, after which the help desk's response unblocks the card.
 */
import type { GidsCardState } from '@cardwarden/card-sim';
import { describeWith } from '@cardwarden/integration-tests/system-parts';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FACTORY_KEY, ISSUER_PASSWORD, IssuanceBench, kcv } from './issuance-bench.js';

const FIRST_SERIAL = 'A11CE000000000000000000000000001';
const SECOND_SERIAL = 'A11CE000000000000000000000000002';
const INITIAL_PIN = '13572468';

describeWith(
  ['pcscd', 'opensc'],
  'cardwarden-unlock issue against the real server, through pcscd (T=0 answers)',
  () => {
    let bench: IssuanceBench | undefined;
    const state = (serial: string) =>
      JSON.parse(readFileSync(bench!.statePath(serial), 'utf8')) as GidsCardState;

    /** A factory-fresh GIDS card answering T=0 style. */
    const insertCard = (serial: string) =>
      bench!.insert((pcscd) =>
        pcscd.startGidsCard({
          state: bench!.statePath(serial),
          adminKey: FACTORY_KEY,
          serial,
          adminTries: 5,
          t0: true,
        }),
      );

    beforeAll(async () => {
      bench = await IssuanceBench.start('cw-issue-e2e-', {
        profile: { name: 'e2e-issued', useCases: { operatorOfflineUnblock: true }, maxPinAttempts: 5 },
        username: 'alice',
      });
    }, 300_000);

    afterAll(async () => {
      await bench?.stop();
    });

    it('issues a new card, signed in interactively: new key, the profile PIN limit, the initial PIN; gids-tool takes the new key', async () => {
      await insertCard(FIRST_SERIAL);
      const issue = bench!.startIssue({}, '--user', 'alice', '--profile', 'e2e-issued', '--pin');
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
      expect(await bench!.listed(FIRST_SERIAL)).toMatchObject({
        adminKey: { kcv: kcv(after.adminKey) },
        user: { username: 'alice' },
      });
      expect(bench!.server.output()).not.toContain(after.adminKey);
      expect(bench!.server.output()).not.toContain(INITIAL_PIN);

      // OpenSC's gids-tool authenticates with the new key (mutual authentication) and resets the PIN.
      const gidsTool = await bench!.pcscd.run(
        'gids-tool',
        ['-r', '0', '--unblock', '--admin-key', after.adminKey, '--pin', '24682468', '-v'],
        { env: { ...process.env, OPENSC_CONF: '/dev/null' } },
      );
      expect(gidsTool.status).toBe(0);
      expect(state(FIRST_SERIAL)).toMatchObject({ pin: '24682468', pinTriesLeft: 5, pinTryLimit: 5 });
    });

    it('finishes a run killed between the key write and its proof; the help desk then unblocks the blocked card', async () => {
      await insertCard(SECOND_SERIAL);
      await bench!.killAfterKeyWrite('--user', 'alice', '--profile', 'e2e-issued');
      const written = state(SECOND_SERIAL).adminKey;
      expect(written).not.toBe(FACTORY_KEY);
      const before = await bench!.listed(SECOND_SERIAL);
      // The server still calls the factory key active, and holds the written one as pending.
      expect(before.adminKey.kcv).toBe(kcv(FACTORY_KEY));

      // Pull the card and put it back (the killed tool's session is gone), then run issue again.
      await insertCard(SECOND_SERIAL);
      await bench!.finishIssue('gids', SECOND_SERIAL, 5);
      expect(state(SECOND_SERIAL).adminKey).toBe(written);
      expect((await bench!.listed(SECOND_SERIAL)).adminKey.kcv).toBe(kcv(written));

      // The help desk unblocks the blocked card with the server's response.
      await bench!.helpDeskUnblock(before.id, '97531864', 'ISSUE-E2E');
      expect(state(SECOND_SERIAL)).toMatchObject({ pin: '97531864', pinTriesLeft: 5, pinTryLimit: 5 });
    });
  },
);
