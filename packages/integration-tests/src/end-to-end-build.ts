/** Builds what the end-to-end suites run as child processes, from the current sources. */
import { spawnSync } from 'node:child_process';
import { REPO_ROOT } from './server-process.js';

/**
 * Builds the software card, cardwarden-unlock and the server (`tsc -b`); under a lock, since suites of
 * several projects build the same outputs at once.
 */
export function buildForEndToEnd(): void {
  const built = spawnSync(
    'flock',
    [
      '/tmp/cardwarden-test-build.lock',
      'npx',
      'tsc',
      '-b',
      'packages/card-sim/tsconfig.build.json',
      'packages/unlock/tsconfig.build.json',
      'packages/server/tsconfig.build.json',
    ],
    { cwd: REPO_ROOT, encoding: 'utf8' },
  );
  if (built.status !== 0) throw new Error(`build failed:\n${built.stdout}${built.stderr}`);
}
