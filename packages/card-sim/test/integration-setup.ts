/** Shared set-up of the interop suites: built CLIs, a temp dir, a private pcscd with the nodelay shim. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PrivatePcscd } from '../src/private-pcscd.js';

export const REPO_ROOT = resolve(import.meta.dirname, '../../..');
const NODELAY_SOURCE = resolve(REPO_ROOT, '../shared/tools/vpcd-nodelay/nodelay-preload.c');

/** The CLIs run as real processes from dist/: build what they need (a no-op when `npm ci` already did). */
export function buildPackages(...configs: string[]): void {
  const built = spawnSync(
    'flock',
    ['/tmp/cardwarden-test-build.lock', 'npx', 'tsc', '-b', ...configs.map((c) => join(REPO_ROOT, c))],
    { cwd: REPO_ROOT, encoding: 'utf8' },
  );
  if (built.status !== 0) throw new Error(`build failed:\n${built.stdout}${built.stderr}`);
}

export interface PcscdFixture {
  readonly dir: string;
  readonly pcscd: PrivatePcscd;
  stop(): Promise<void>;
}

export async function startPcscdFixture(prefix: string): Promise<PcscdFixture> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const pcscd = await PrivatePcscd.start({ workDir: dir, nodelaySource: NODELAY_SOURCE });
  return {
    dir,
    pcscd,
    stop: async () => {
      await pcscd.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}
