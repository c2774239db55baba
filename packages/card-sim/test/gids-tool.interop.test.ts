import { describeWith } from '@cardwarden/integration-tests/system-parts';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { GidsCardState } from '../src/gids/gids-card-state.js';
import type { SoftwareCardProcess } from '../src/private-pcscd.js';
import { buildPackages, readJson, startPcscdFixture, type PcscdFixture } from './integration-setup.js';

const ADMIN_KEY = '0A1B2C3D4E5F60718293A4B5C6D7E8F90112233445566778';
// Differs from ADMIN_KEY beyond the DES parity bits (which 3DES ignores).
const WRONG_KEY = '1A1B2C3D4E5F60718293A4B5C6D7E8F90112233445566778';
const SERIAL = '00112233445566778899AABBCCDDEEFF';

describeWith(['pcscd', 'opensc'], 'OpenSC gids-tool against the software GIDS card through pcscd', () => {
  let fixture: PcscdFixture;
  let card: SoftwareCardProcess;
  let statePath: string;
  const state = () => readJson(statePath) as GidsCardState;
  const run = (command: string, args: string[]) =>
    fixture.pcscd.run(command, args, { env: { ...process.env, OPENSC_CONF: '/dev/null' } });
  const unblock = (key: string, pin: string) =>
    run('gids-tool', ['-r', '0', '--unblock', '--admin-key', key, '--pin', pin, '-v']);
  const verifyPin = (pin: string) =>
    run('opensc-tool', [
      '-r',
      '0',
      '-c',
      'default',
      '-s',
      '00A404000BA000000397425446590201',
      '-s',
      `00200080${pin.length.toString(16).padStart(2, '0')}${Buffer.from(pin).toString('hex')}`,
    ]);

  beforeAll(async () => {
    buildPackages('packages/card-sim/tsconfig.build.json');
    fixture = await startPcscdFixture('cw-gids-');
    statePath = join(fixture.dir, 'gids.json');
    card = await fixture.pcscd.startGidsCard({
      state: statePath,
      adminKey: ADMIN_KEY,
      serial: SERIAL,
      adminTries: 3,
      blockPin: true,
    });
  });

  afterAll(async () => {
    await card.stop();
    await fixture.stop();
  });

  it('is detected by OpenSC as a GIDS card with a blocked PIN', async () => {
    expect((await run('opensc-tool', ['-r', '0', '-n'])).stdout).toContain('GIDS Smart Card');
    expect((await verifyPin('12345678')).stdout).toContain('SW1=0x69, SW2=0x83');
  });

  it('refuses a wrong admin key in gids-tool --unblock and counts it', async () => {
    const result = await unblock(WRONG_KEY, '24681357');
    expect(result.status).not.toBe(0);
    expect(result.stdout + result.stderr).not.toContain('Unblock PIN done successfully');
    expect(state()).toMatchObject({ adminTriesLeft: 2, pinTriesLeft: 0, pin: '12345678' });
  });

  it('unblocks with gids-tool --unblock (mutual authentication) and the new PIN works', async () => {
    const result = await unblock(ADMIN_KEY, '24681357');
    expect(result.stdout).toContain('Administrator authentication successful');
    expect(result.stdout).toContain('Unblock PIN done successfully');
    expect(result.status).toBe(0);
    expect(state()).toMatchObject({ adminTriesLeft: 3, pinTriesLeft: 3, pin: '24681357' });
    expect((await verifyPin('24681357')).stdout).toContain('SW1=0x90, SW2=0x00');
  });

  it('blocks admin authentication for ever after three wrong keys', async () => {
    for (const left of [2, 1, 0]) {
      expect((await unblock(WRONG_KEY, '13572468')).status).not.toBe(0);
      expect(state().adminTriesLeft).toBe(left);
    }
    const result = await unblock(ADMIN_KEY, '13572468');
    expect(result.status).not.toBe(0);
    expect(state()).toMatchObject({ adminTriesLeft: 0, pin: '24681357' });
  });
});
