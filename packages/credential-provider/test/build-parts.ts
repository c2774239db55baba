/**
 * Builds what the credential-provider tests run (`build-windows.mjs --test`: the DLL, the MSI, the Wine test
 * parts and the native core test), once at a time across parallel test files.
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

export const PACKAGE_ROOT = resolve(import.meta.dirname, '..');
export const REPO_ROOT = resolve(PACKAGE_ROOT, '../..');
export const DIST = join(PACKAGE_ROOT, 'dist');
export const WINE_PARTS = join(PACKAGE_ROOT, 'build/wine');
export const CORE_TEST = join(PACKAGE_ROOT, 'build/native/core-test');

export function buildWindowsParts(): void {
  const built = spawnSync(
    'flock',
    [
      '/tmp/cardwarden-credential-provider-build.lock',
      process.execPath,
      'scripts/build-windows.mjs',
      '--test',
    ],
    { cwd: PACKAGE_ROOT, encoding: 'utf8', timeout: 280_000 },
  );
  if (built.status !== 0) throw new Error(`build-windows failed:\n${built.stdout}${built.stderr}`);
}
