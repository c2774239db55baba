import { describeWith } from '@cardwarden/integration-tests/system-parts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PivCardState } from '../src/piv/piv-card-state.js';
import type { SoftwareCardProcess } from '../src/private-pcscd.js';
import { buildPackages, readJson, startPcscdFixture, type PcscdFixture } from './integration-setup.js';

const MANAGEMENT_KEY = '0A1B2C3D4E5F60718293A4B5C6D7E8F90112233445566778';
const WRONG_KEY = '1A1B2C3D4E5F60718293A4B5C6D7E8F90112233445566778';

function pivSuite(
  name: string,
  parts: Parameters<typeof describeWith>[0],
  body: (ctx: () => Context) => void,
): void {
  describeWith(parts, name, () => {
    let context: Context;
    beforeAll(async () => {
      buildPackages('packages/card-sim/tsconfig.build.json');
      const fixture = await startPcscdFixture('cw-piv-');
      const statePath = join(fixture.dir, 'piv.json');
      const card = await fixture.pcscd.startCard([
        'piv',
        '--state',
        statePath,
        '--management-key',
        MANAGEMENT_KEY,
        '--pin',
        '123456',
        '--puk',
        '12345678',
      ]);
      context = {
        fixture,
        card,
        state: () => readJson(statePath) as PivCardState,
        run: (command, args, env = {}) =>
          fixture.pcscd.run(command, args, { env: { ...process.env, OPENSC_CONF: '/dev/null', ...env } }),
      };
    });
    afterAll(async () => {
      await context.card.stop();
      await context.fixture.stop();
    });
    body(() => context);
  });
}

interface Context {
  fixture: PcscdFixture;
  card: SoftwareCardProcess;
  state: () => PivCardState;
  run: (
    command: string,
    args: string[],
    env?: Record<string, string>,
  ) => ReturnType<PcscdFixture['pcscd']['run']>;
}

pivSuite('OpenSC piv-tool against the software PIV card through pcscd', ['pcscd', 'opensc'], (ctx) => {
  const keyFile = (key: string) => {
    const path = join(ctx().fixture.dir, `${key.slice(0, 4)}.key`);
    writeFileSync(path, key.match(/../g)!.join(':'));
    return path;
  };

  it('authenticates with the management key: piv-tool -A M:9B:03 (mutual)', async () => {
    const result = await ctx().run('piv-tool', ['-r', '0', '-A', 'M:9B:03', '-v'], {
      PIV_EXT_AUTH_KEY: keyFile(MANAGEMENT_KEY),
    });
    expect(result.stdout + result.stderr).not.toMatch(/admin_mode failed|Authentication failed/i);
    expect(result.status).toBe(0);
  });

  it('is refused with a wrong management key', async () => {
    const result = await ctx().run('piv-tool', ['-r', '0', '-A', 'M:9B:03', '-v'], {
      PIV_EXT_AUTH_KEY: keyFile(WRONG_KEY),
    });
    expect(result.status).not.toBe(0);
  });
});

pivSuite(
  'yubico-piv-tool against the software PIV card through pcscd',
  ['pcscd', 'yubico-piv-tool'],
  (ctx) => {
    const yubico = (...args: string[]) => ctx().run('yubico-piv-tool', ['-r', 'Virtual PCD', ...args]);

    it('verifies the PIN, and counts a wrong one', async () => {
      const good = await yubico('-a', 'verify-pin', '-P', '123456');
      expect(good.stdout + good.stderr).toContain('Successfully verified PIN');
      expect(good.status).toBe(0);
      const bad = await yubico('-a', 'verify-pin', '-P', '654321');
      expect(bad.status).not.toBe(0);
      expect(bad.stdout + bad.stderr).toMatch(/2 tries left/);
      expect(ctx().state().pinTriesLeft).toBe(2);
    });

    it('unblocks a blocked PIN with the PUK (unblock-pin)', async () => {
      for (let i = 0; i < 2; i++) await yubico('-a', 'verify-pin', '-P', '000000');
      expect(ctx().state().pinTriesLeft).toBe(0);
      const result = await yubico('-a', 'unblock-pin', '-P', '12345678', '-N', '802468');
      expect(result.stdout + result.stderr).toMatch(/Successfully unblocked the pin code/i);
      expect(result.status).toBe(0);
      expect(ctx().state()).toMatchObject({ pin: '802468', pinTriesLeft: 3 });
      expect((await yubico('-a', 'verify-pin', '-P', '802468')).status).toBe(0);
    });

    it('changes the PUK (change-puk)', async () => {
      const result = await yubico('-a', 'change-puk', '-P', '12345678', '-N', '87654321');
      expect(result.status).toBe(0);
      expect(ctx().state().puk).toBe('87654321');
    });

    it('sets a new management key after authenticating with the current one (set-mgm-key)', async () => {
      const next = '080706050403020108070605040302010807060504030201';
      const result = await yubico(`-k${MANAGEMENT_KEY}`, '-a', 'set-mgm-key', '-n', next);
      expect(result.status).toBe(0);
      expect(ctx().state().managementKey).toBe(next);
    });

    it('sets the PIN and PUK retries after the PIN and the management key (verify-pin, pin-retries), which resets PIN and PUK to the defaults', async () => {
      const key = '080706050403020108070605040302010807060504030201';
      const result = await yubico(
        `-k${key}`,
        '-a',
        'verify-pin',
        '-P',
        '802468',
        '-a',
        'pin-retries',
        '--pin-retries',
        '5',
        '--puk-retries',
        '4',
      );
      expect(result.status).toBe(0);
      expect(ctx().state()).toMatchObject({
        pinTryLimit: 5,
        pinTriesLeft: 5,
        pukTryLimit: 4,
        pukTriesLeft: 4,
        pin: '123456',
        puk: '12345678',
      });
    });
  },
);
