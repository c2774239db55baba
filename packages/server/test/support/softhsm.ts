/**
 * A fresh SoftHSM2 token for a test suite: its own config and token directory, never the system one.
 * SoftHSM2 reads SOFTHSM2_CONF when the module initialises, so every suite points it at its own token
 * before it opens it. Every HSM test takes its token from here.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { Pkcs11Config } from '../../src/keys/pkcs11-token.js';

export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';

export interface SoftHsmToken {
  /** The server's PKCS#11 settings for the token (`CARDWARDEN_PKCS11_*`). */
  readonly pkcs11: Pkcs11Config;
  /** The SoftHSM2 config file naming the token directory. */
  readonly conf: string;
  /** Where the config, the token directory and the PIN file live. */
  readonly dir: string;
}

/** Makes the token now and points SOFTHSM2_CONF at it. Prefer `useSoftHsmToken` in a suite. */
export function softHsmToken(): SoftHsmToken {
  const dir = mkdtempSync(join(tmpdir(), 'cardwarden-softhsm-'));
  const tokens = join(dir, 'tokens');
  mkdirSync(tokens, { mode: 0o700 });
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
  return { pkcs11: { module: SOFTHSM_MODULE, tokenLabel, pinFile }, conf, dir };
}

/**
 * For a `describeWith(['softhsm2'], …)` block; call it before the block's own hooks. The token is made
 * in a `beforeAll` (so a suite skipped for want of SoftHSM2 runs nothing), SOFTHSM2_CONF points at it
 * for the block (a file may hold several blocks, each with its token), and it is removed afterwards.
 * Read `pkcs11` inside hooks and tests, not while the suite is collected.
 *
 * @example
 * describeWith(['softhsm2'], 'on the HSM', () => {
 *   const hsm = useSoftHsmToken();
 *   beforeAll(async () => (server = await startTestServer('pglite', { config: { pkcs11: hsm.pkcs11 } })));
 * });
 */
export function useSoftHsmToken(): SoftHsmToken {
  let token: SoftHsmToken | undefined;
  const made = (): SoftHsmToken => {
    if (!token) throw new Error('the SoftHSM2 token is made in beforeAll: read it inside a hook or a test');
    return token;
  };
  beforeAll(() => {
    token = softHsmToken();
  });
  afterAll(() => {
    if (token) rmSync(token.dir, { recursive: true, force: true });
  });
  return {
    get pkcs11() {
      return made().pkcs11;
    },
    get conf() {
      return made().conf;
    },
    get dir() {
      return made().dir;
    },
  };
}
