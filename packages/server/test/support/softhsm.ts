/**
 * A fresh SoftHSM2 token for one test run: its own config and token directory, never the system one.
 * SoftHSM2 reads SOFTHSM2_CONF when the module initialises: a file with several tokens sets it again
 * (to `conf`) before each suite opens its own.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';

export function softHsmToken(): { module: string; tokenLabel: string; pinFile: string; conf: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cardwarden-softhsm-'));
  const tokens = join(dir, 'tokens');
  execFileSync('mkdir', ['-m', '700', tokens]);
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  process.env.SOFTHSM2_CONF = conf;
  const tokenLabel = 'cardwarden-test';
  execFileSync(
    'softhsm2-util',
    ['--init-token', '--free', '--label', tokenLabel, '--pin', '4711-pin', '--so-pin', '0815-so'],
    { env: { ...process.env, SOFTHSM2_CONF: conf }, stdio: 'ignore' },
  );
  const pinFile = join(dir, 'pin');
  writeFileSync(pinFile, '4711-pin\n', { mode: 0o600 });
  return { module: SOFTHSM_MODULE, tokenLabel, pinFile, conf };
}
